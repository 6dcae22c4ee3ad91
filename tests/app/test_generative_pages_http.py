"""The B.8 pages over HTTP: both languages, the server's limits, nothing from the internet."""

import pytest

from neural_playground.app.settings import Settings


@pytest.mark.parametrize(("path", "heading"), [("/autoencoder", "B.8.1"), ("/gan", "B.8.2")])
def test_pages_render_in_both_languages_offline(client, path, heading):
    for lang, word in (
        ("ko", "오토인코더" if path == "/autoencoder" else "생성자"),
        ("en", "Autoencoder" if path == "/autoencoder" else "generator"),
    ):
        html = client.get(path, headers={"accept-language": lang}).text
        assert f'<html lang="{lang}"' in html and heading in html and word in html
        assert "http://" not in html and "https://" not in html
        assert f'type="module" src="{client.app.state.assets.url(f"js/lessons{path}.js")}">' in html


def test_home_sends_b8_to_the_autoencoder(client):
    html = client.get("/", headers={"accept-language": "en"}).text
    assert 'href="/autoencoder"' in html


@pytest.mark.parametrize("settings", [Settings(max_latent=5, max_drawn_points=42)])
def test_the_pages_show_this_servers_limits(client, settings):
    assert 'id="bottleneck" data-testid="bottleneck" type="range" min="1" max="5"' in (
        client.get("/autoencoder").text
    )
    gan = client.get("/gan").text
    assert 'data-max-points="42"' in gan
    assert '<option value="8">' not in gan  # noise sizes above the limit are not offered
