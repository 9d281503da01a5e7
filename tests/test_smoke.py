def test_home_page(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "matchmaker" in r.get_data(as_text=True)
