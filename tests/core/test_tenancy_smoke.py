"""A first end-to-end check: tenants, login, dashboard, and another tenant's 404."""

from tests.factories import login


def test_member_sees_own_dashboard_and_not_another_tenants(app, factory, client):
    factory.tenant("alpha", plugins=["petitions"])
    factory.tenant("beta", plugins=["assistance"])
    factory.user("alpha", "alice")
    factory.user("beta", "bob")

    response = login(client, "alice")
    assert response.status_code == 302

    page = client.get("/t/alpha/")
    assert page.status_code == 200
    assert "alpha单位" in page.get_data(as_text=True)
    assert 'data-plugin="petitions"' in page.get_data(as_text=True)
    assert 'data-plugin="assistance"' not in page.get_data(as_text=True)

    assert client.get("/t/beta/").status_code == 404
    assert client.get("/t/nope/").status_code == 404
