"""Recruitment pages and API (招聘, issue 19): the lists, details and forms render in Chinese for managers; bad
input comes back on its field (400/409 with the reason, in the user's language) with nothing written; sales staff
are refused the lists and never see a row."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from team import services
from team.models import Candidate, HeadcountRequest, Vacancy
from tests.team.test_recruit import approve, offered


def zh(msgid):
    """The message in zh-hans (the msgid until the lead merges the TSV into the catalogue)."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(datetime(2026, 11, 16, 4, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def flow(units, personas):
    dm = personas["dm_hangzhou"].user
    request = services.headcount_request_create(by=dm, unit=units["330100"], role="sales_rep", headcount=1, reason="扩张")
    services.headcount_request_submit(by=dm, request=request)
    approve(personas, request)
    vacancy = request.vacancies.get()
    return request, vacancy, offered(vacancy, dm)


def test_pages_render_in_chinese_for_a_manager(personas, flow):
    request, vacancy, candidate = flow
    web = personas["pm_zhejiang"].web()
    for url, text in [
        (reverse("team:headcount_request_list"), f'data-headcount-request="{request.pk}"'),
        (reverse("team:headcount_request_detail", kwargs={"pk": request.pk}), f'href="/team/vacancies/{vacancy.pk}/"'),
        (reverse("team:headcount_request_create"), 'name="reason"'),
        (reverse("team:vacancy_list"), f'data-vacancy="{vacancy.pk}"'),
        (reverse("team:vacancy_detail", kwargs={"pk": vacancy.pk}), "林晓峰"),
        (reverse("team:candidate_list"), f'data-candidate="{candidate.pk}"'),
        (reverse("team:candidate_create") + f"?vacancy={vacancy.pk}", f'<option value="{vacancy.pk}" selected>'),
        (reverse("team:candidate_detail", kwargs={"pk": candidate.pk}), 'value="hire"'),
    ]:
        response = web.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert text in page, url
        assert '<html lang="zh-hans">' in page
    # A district manager sees the candidate's forms but not the hire (the province hires).
    page = personas["dm_hangzhou"].web().get(reverse("team:candidate_detail", kwargs={"pk": candidate.pk})).content.decode()
    assert 'value="interview"' in page and 'value="hire"' not in page


def test_a_hire_through_the_page_fills_the_vacancy(personas, flow):
    _request, vacancy, candidate = flow
    response = (
        personas["pm_zhejiang"]
        .web()
        .post(
            reverse("team:candidate_detail", kwargs={"pk": candidate.pk}),
            {"action": "hire", "employee_no": "HZ-P1", "hire_date": "2026-11-16"},
        )
    )
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.state == "filled" and vacancy.filled_by.employee_no == "HZ-P1"


def test_bad_input_on_the_form_comes_back_on_its_field(units, personas, flow):
    before = HeadcountRequest.objects.count()
    response = (
        personas["dm_hangzhou"]
        .web()
        .post(
            reverse("team:headcount_request_create"),
            {"unit": units["330100"].pk, "role": "sales_rep", "headcount": 0, "reason": "x"},
        )
    )
    assert response.status_code == 400
    assert response.context["form"].errors["headcount"] == [zh("A headcount request asks for at least one seat.")]
    response = (
        personas["dm_hangzhou"]
        .web()
        .post(
            reverse("team:headcount_request_create"),
            {"unit": units["330100"].pk, "role": "provincial_manager", "headcount": 1, "reason": "x"},
        )
    )
    assert response.status_code == 400 and "role" in response.context["form"].errors
    assert HeadcountRequest.objects.count() == before


def test_bad_input_through_the_api(units, personas, flow):
    _request, vacancy, candidate = flow
    api = personas["pm_zhejiang"].api()
    counts = (HeadcountRequest.objects.count(), Vacancy.objects.count(), Candidate.objects.count())
    response = api.post(
        reverse("team-headcount-request-list"),
        {"unit": units["330100"].pk, "role": "sales_rep", "headcount": 999, "reason": "x"},
        format="json",
    )
    assert response.status_code == 400 and "headcount" in response.json()["errors"]
    assert response.json()["errors"]["headcount"] == [
        zh("At most %(max)d seats in one request; a larger change is a reorganisation of the unit.") % {"max": 20}
    ]
    response = api.post(reverse("team-candidate-move", kwargs={"pk": candidate.pk}), {"stage": "applied"}, format="json")
    assert response.status_code == 409 and "stage" in response.json()["errors"]
    services.vacancy_cancel(by=personas["pm_zhejiang"].user, vacancy=vacancy, reason="取消")
    response = api.post(
        reverse("team-candidate-hire", kwargs={"pk": candidate.pk}),
        {"employee_no": "HZ-X", "hire_date": "2026-11-16"},
        format="json",
    )
    assert response.status_code == 400 and "vacancy" in response.json()["errors"]
    response = api.post(
        reverse("team-candidate-hire", kwargs={"pk": candidate.pk}), {"employee_no": "HZ-X", "boss": 1}, format="json"
    )
    assert response.status_code == 400
    assert (HeadcountRequest.objects.count(), Vacancy.objects.count(), Candidate.objects.count()) == counts


def test_sales_staff_are_refused_the_lists_and_see_no_row(personas, flow):
    _request, vacancy, candidate = flow
    rep = personas["rep_hangzhou"]
    assert rep.web().get(reverse("team:candidate_list")).status_code == 403
    assert rep.api().get(reverse("team-vacancy-list")).status_code == 403
    assert rep.api().get(reverse("team-candidate-detail", kwargs={"pk": candidate.pk})).status_code == 404
    assert personas["dm_guangzhou"].api().get(reverse("team-vacancy-detail", kwargs={"pk": vacancy.pk})).status_code == 404
    assert personas["dm_guangzhou"].api().get(reverse("team-vacancy-list")).json()["results"] == []
    assert len(personas["pm_zhejiang"].api().get(reverse("team-vacancy-list")).json()["results"]) == 1
