"""A city's supervisors set its basis (口径) and targets in the admin, and no other city's."""

from reports.models import RateBasis, RateTarget


def _staff(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_a_supervisor_sets_the_basis_of_their_city(client, supervisor, city):
    response = _staff(client, supervisor).post(
        "/admin/reports/ratebasis/add/",
        {"city": city.pk, "above_scale_industry_only": "on"},
    )

    assert response.status_code == 302
    basis = RateBasis.objects.get(city=city)
    assert (basis.terminated_in_denominator, basis.above_scale_industry_only) == (False, True)


def test_a_supervisor_cannot_set_another_citys_targets(client, supervisor, other_city):
    response = _staff(client, supervisor).post(
        "/admin/reports/ratetarget/add/",
        {
            "city": other_city.pk,
            "year": 2025,
            "start_rate": "85",
            "production_rate": "40",
            "target_rate": "95",
        },
    )

    assert response.status_code == 200  # the form again, with the city refused
    assert not RateTarget.objects.exists()


def test_targets_are_percents_between_0_and_100(client, supervisor, city):
    response = _staff(client, supervisor).post(
        "/admin/reports/ratetarget/add/",
        {
            "city": city.pk,
            "year": 2025,
            "start_rate": "180",
            "production_rate": "40",
            "target_rate": "95",
        },
    )

    assert response.status_code == 200
    assert not RateTarget.objects.exists()


def test_an_officer_may_not_edit_the_basis(client, officer):
    response = _staff(client, officer).get("/admin/reports/ratebasis/add/")

    assert response.status_code == 403
