"""The playground page over HTTP: served in both languages, offline, linked from home."""


def test_playground_page_is_served_offline_in_both_languages(client):
    english = client.get("/playground", headers={"accept-language": "en"})
    assert english.status_code == 200
    html = english.text
    assert "a network learns to separate points" in html
    assert 'src="/vendor/plotly.min.js"' in html and "/static/js/playground.js" in html
    assert "http://" not in html and "https://" not in html
    korean = client.get("/playground", headers={"accept-language": "ko"}).text
    assert "신경망이 점들을 나누는 법" in korean


def test_home_and_navigation_link_to_the_playground(client):
    html = client.get("/", headers={"accept-language": "en"}).text
    assert 'data-testid="lesson-B.3+"' in html
    assert html.count('href="/playground"') == 2  # the lesson card and the navigation
