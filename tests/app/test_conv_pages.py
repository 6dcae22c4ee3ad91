"""The /conv page over HTTP: listed on the lesson map, both languages, nothing from outside."""

from pathlib import Path

from neural_playground.app.settings import Settings


def test_home_links_section_b6_to_the_convolution_page(client):
    html = client.get("/", headers={"accept-language": "en"}).text
    assert 'href="/conv"' in html


def test_b6_goes_on_to_handwritten_digits_from_the_conv_page_and_the_lesson_map(client):
    conv = client.get("/conv", headers={"accept-language": "en"}).text
    assert 'href="/digits" data-testid="to-digits"' in conv
    home = client.get("/", headers={"accept-language": "en"}).text
    assert 'data-testid="lesson-link-B.6+"' in home and 'href="/digits"' in home
    digits = client.get("/digits", headers={"accept-language": "en"}).text
    assert "B.6 A convolutional network learns handwriting" in digits
    assert 'href="/conv"' in digits


def test_conv_page_renders_in_both_languages_without_external_resources(client):
    en = client.get("/conv", headers={"accept-language": "en"}).text
    ko = client.get("/conv", headers={"accept-language": "ko"}).text
    assert "B.6 Convolutional networks" in en and '<html lang="en"' in en
    assert "합성곱 신경망" in ko and '<html lang="ko"' in ko
    for html in (en, ko):
        assert "http://" not in html and "https://" not in html
        assert f'type="module" src="{client.app.state.assets.url("js/lessons/conv.js")}">' in html
        assert 'data-testid="options"' in html


def test_every_conv_setting_is_in_the_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for name in Settings.model_fields:
        if name.startswith("conv_"):
            assert f"`NP_{name.upper()}`" in readme, name
