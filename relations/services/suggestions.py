"""Suggestions (建议): made by anyone who works here, answered by the level responsible, closed — each write asking
its right first (relations/rights/suggestions.py) with the acting person `by`.

- `suggestion_create`: the author's unit is copied onto the suggestion (it stays with the unit where it was made);
  a customer or channel it names must lie in the author's scope, a product must be one the company sells.
- `suggestion_answer`: only an open suggestion; the author is told in their inbox.
- `suggestion_close`: only an answered one (the author satisfied, or the level responsible closing the matter).

Bad input is an InvalidInput (400) on its field, a move the state does not allow a Conflict (409), a missing right
NotAllowed (403). Nothing is written on a refusal."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from channels.models import Channel
from core.errors import Conflict, InvalidInput
from core.rights import ensure
from core.roles import staff_of
from customers.models import Customer, Product
from customers.services.inputs import clean_choice, clean_text
from notifications.choices import NotificationKind
from notifications.services import notify
from relations.models.suggestions import Suggestion, SuggestionState, SuggestionTopic
from relations.services.keycust import actor_name, actor_user

TITLE_MAX = 200
TEXT_MAX = 4000


def _in_scope(by, model, obj, field, message):
    if obj is None:
        return None
    if not isinstance(obj, model) or not model.objects.for_user(by).filter(pk=obj.pk).exists():
        raise InvalidInput(message, field=field)
    return obj


def _lock(suggestion):
    return Suggestion.objects.select_for_update(of=("self",)).select_related("unit", "author").get(pk=suggestion.pk)


@transaction.atomic
def suggestion_create(*, by, topic, title, text, product=None, channel=None, customer=None):
    """Record a problem or an improvement suggestion by `by` (a member of staff)."""
    ensure(by, "suggestion.create")
    author = staff_of(by, active=True)
    topic = clean_choice(topic, SuggestionTopic, field="topic")
    title = clean_text(title, field="title", max_length=TITLE_MAX, required=True, label=_("The title"))
    text = clean_text(text, field="text", max_length=TEXT_MAX, required=True, label=_("The suggestion"))
    if product is not None and (not isinstance(product, Product) or not product.is_active):
        raise InvalidInput(_("Choose a product the company sells."), field="product")
    channel = _in_scope(by, Channel, channel, "channel", _("Choose a channel of your part of the organisation."))
    customer = _in_scope(by, Customer, customer, "customer", _("Choose a customer of your part of the organisation."))
    return Suggestion.objects.create(
        author=author,
        unit=author.unit,
        topic=topic,
        title=title,
        text=text,
        product=product,
        channel=channel,
        customer=customer,
    )


@transaction.atomic
def suggestion_answer(*, by, suggestion, response):
    """Answer an open suggestion; its author finds the answer in their inbox."""
    suggestion = _lock(suggestion)
    ensure(by, "suggestion.answer", suggestion)
    response = clean_text(response, field="response", max_length=TEXT_MAX, required=True, label=_("The response"))
    if suggestion.state != SuggestionState.OPEN:
        raise Conflict(
            _("Only an open suggestion can be answered; this one is %(state)s.") % {"state": suggestion.get_state_display()},
            field="response",
        )
    suggestion.state = SuggestionState.ANSWERED
    suggestion.response = response
    suggestion.answered_by = actor_user(by)
    suggestion.answered_by_name = actor_name(by)
    suggestion.answered_at = timezone.now()
    suggestion.save()
    notify(
        recipients=[suggestion.author],
        kind=NotificationKind.OTHER,
        title=_("Your suggestion “%(title)s” has been answered") % {"title": suggestion.title},
        body=response,
        url=suggestion.get_absolute_url(),
    )
    return suggestion


@transaction.atomic
def suggestion_close(*, by, suggestion):
    """Close an answered suggestion."""
    suggestion = _lock(suggestion)
    ensure(by, "suggestion.close", suggestion)
    if suggestion.state != SuggestionState.ANSWERED:
        raise Conflict(
            _("Only an answered suggestion can be closed; this one is %(state)s.") % {"state": suggestion.get_state_display()}
        )
    suggestion.state = SuggestionState.CLOSED
    suggestion.closed_at = timezone.now()
    suggestion.closed_by = actor_user(by)
    suggestion.save()
    return suggestion


__all__ = ["suggestion_answer", "suggestion_close", "suggestion_create"]
