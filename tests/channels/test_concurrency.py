"""Two people moving the same channel at once: the channel row is locked before its state is read, so the second
move sees the first one's state — only one prospect → negotiating is written, the other is refused on `state`."""

import threading

import pytest
from django.db import connection

from channels import services
from channels.models import Channel, ChannelTransition
from core.errors import InvalidInput
from core.rights import SYSTEM
from regions.models import OrgUnit


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_moves_at_once_write_one():
    from regions.services import load_default_organisation

    load_default_organisation(by=SYSTEM)  # transactional tests flush the database
    channel = services.channel_create(by=SYSTEM, name="并发渠道", unit=OrgUnit.objects.get(code="330100"), kind="bank")
    barrier = threading.Barrier(2)
    passed, refused = [], []

    def move():
        try:
            barrier.wait()
            services.channel_transition(by=SYSTEM, channel=Channel.objects.get(pk=channel.pk), to_state="negotiating")
            passed.append(1)
        except InvalidInput as error:
            refused.append(error.field)
        finally:
            connection.close()

    threads = [threading.Thread(target=move) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert passed == [1] and refused == ["state"]
    assert list(ChannelTransition.objects.filter(channel=channel).values_list("to_state", flat=True)) == [
        "prospect",
        "negotiating",
    ]
