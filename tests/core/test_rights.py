"""The one write rule (core/rights.py): registration, unknown actions, SYSTEM, ensure()."""

import pytest

from core import rights


@pytest.fixture
def scratch_rules(monkeypatch):
    monkeypatch.setattr(rights, "_RULES", rights.rules())  # a copy: rules() returns a new dict


def test_an_undeclared_action_is_a_programming_error_not_a_silent_no(scratch_rules):
    with pytest.raises(rights.UnknownAction):
        rights.may(object(), "nothing.declares_this")


def test_ensure_refuses_with_the_one_not_allowed(scratch_rules):
    @rights.rule("test.thing")
    def may_thing(user, obj):
        return obj == "mine"

    assert rights.may("someone", "test.thing", "mine")
    assert not rights.may("someone", "test.thing", "theirs")
    assert not rights.may(None, "test.thing", "mine")  # nobody may do anything
    with pytest.raises(rights.NotAllowed) as refused:
        rights.ensure("someone", "test.thing", "theirs")
    assert refused.value.status_code == 403
    assert rights.may(rights.SYSTEM, "test.thing", "theirs")  # the system itself: seeding, company jobs


def test_two_rules_for_one_action_are_refused_at_start_up(scratch_rules):
    @rights.rule("test.twice")
    def first(user, obj):
        return True

    with pytest.raises(ValueError, match="two rules"):

        @rights.rule("test.twice")
        def second(user, obj):
            return False
