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


def test_a_refusal_is_false_to_may_and_says_why_through_ensure(scratch_rules):
    @rights.rule("test.why")
    def may_why(user, obj):
        return True if obj == "mine" else rights.Refusal("Not yours.", field="owner")

    assert not rights.may("someone", "test.why", "theirs")
    with pytest.raises(rights.NotAllowed) as refused:
        rights.ensure("someone", "test.why", "theirs")
    assert (refused.value.message, refused.value.field, refused.value.status_code) == ("Not yours.", "owner", 403)
    with pytest.raises(rights.NotAllowed, match="Say this"):  # a message given by the caller wins
        rights.ensure("someone", "test.why", "theirs", message="Say this")
    rights.ensure("someone", "test.why", "mine")
