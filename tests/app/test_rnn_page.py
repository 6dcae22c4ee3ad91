"""The /rnn page over HTTP: both languages, linked from the lesson map, fully offline."""


def test_page_renders_in_both_languages_without_external_resources(client):
    en = client.get("/rnn", headers={"accept-language": "en"})
    ko = client.get("/rnn", headers={"accept-language": "ko"})
    assert en.status_code == ko.status_code == 200
    assert "B.7 Recurrent networks" in en.text and "B.7 순환 신경망" in ko.text
    for html in (en.text, ko.text):
        assert f'type="module" src="{client.app.state.assets.url("js/lessons/rnn.js")}">' in html
        assert "http://" not in html and "https://" not in html


def test_lesson_map_links_b7_to_the_page(client):
    html = client.get("/", headers={"accept-language": "en"}).text
    card = html[html.index('data-testid="lesson-B.7"') :]
    assert card[: card.index("</li>")].count('href="/rnn"') == 1
