"""Issue 12 in conversations: private chats only, no silent changes (DST, long broadcasts)."""

from __future__ import annotations

from pathlib import Path

from bot.clock import ManualClock
from bot.staff.broadcast_draft import MAX_TEXT
from tests.chats import PATIENT, STAFF, Chat, staff_bot

GROUP = -1001234567890


async def test_staff_enrolment_in_a_group_posts_no_link_and_the_bot_leaves(tmp_path: Path, clock: ManualClock) -> None:
    async with staff_bot(tmp_path, clock) as chat:
        await chat.harness.send(
            lambda: chat.fake.send_text(GROUP, "/inschrijven", user_id=STAFF), "/inschrijven in group"
        )
        sent = chat.fake.messages_to(GROUP)
        assert all("start=" not in (m.text or "") for m in sent)  # the one-time link never reaches the group
        assert chat.fake.calls("senddocument") == []  # nor its QR code
        assert chat.fake.left_chats == [GROUP]
        assert chat.assembly.services.storage.staff.purge_enrolments(clock.now()) == 0  # no code was even made


async def test_added_to_a_group_the_bot_says_where_it_works_and_leaves(chat: Chat) -> None:
    reply = await chat.harness.send(lambda: chat.fake.add_bot_to_group(GROUP), "bot added to a group")
    reply.assert_count(1).assert_contains("privégesprek", "112")
    assert chat.fake.left_chats == [GROUP]
    # A patient's alarm words in a group are not answered there either (the private chat is).
    await chat.harness.send(lambda: chat.fake.send_text(GROUP, "ik heb koorts", user_id=PATIENT), "group text")
    assert [m for m in chat.fake.messages_to(GROUP) if "spoedlijn" in (m.text or "")] == []


async def test_a_time_skipped_by_daylight_saving_is_asked_again_not_moved(chat: Chat) -> None:
    await chat.say(PATIENT, "/afspraak")
    await chat.press(PATIENT, "Akkoord")
    await chat.press(PATIENT, "MRI-scan")
    (await chat.say(PATIENT, "28 maart 2027 om 02:30")).assert_contains("bestaat niet").assert_not_contains(
        "Klopt dit?"
    )
    (await chat.say(PATIENT, "03:30")).assert_contains("Klopt dit? MRI-scan: zondag 28 maart, 03:30.")


async def test_afspraak_refuses_a_year_typo_as_every_way_in_does(chat: Chat) -> None:
    # Issue 25, finding 2: the same rule as the console and the command line (at most two years ahead).
    await chat.say(PATIENT, "/afspraak")
    await chat.press(PATIENT, "Akkoord")
    await chat.press(PATIENT, "MRI-scan")
    (await chat.say(PATIENT, "10-12-2062 om 10:00")).assert_contains("meer dan twee jaar").assert_not_contains(
        "Klopt het:"
    )
    (await chat.say(PATIENT, "10-12-2026 om 10:00")).assert_contains("Klopt dit? MRI-scan: donderdag 10 december")
    assert chat.assembly.services.storage.list_appointments() == []


async def test_a_long_broadcast_is_refused_with_the_limit_not_cut(tmp_path: Path, clock: ManualClock) -> None:
    async with staff_bot(tmp_path, clock) as chat:
        await chat.say(STAFF, "/bericht")
        await chat.press(STAFF, "Alle abonnees")
        long_text = ("Een alinea over de polikliniek. " * 20 + "\n\n") * 7
        assert len(long_text.strip()) > MAX_TEXT
        reply = await chat.say(STAFF, long_text)
        reply.assert_contains(f"{len(long_text.strip())} tekens", str(MAX_TEXT)).assert_not_contains("Voorbeeld")
        (await chat.say(STAFF, "Kort bericht.")).assert_contains("Voorbeeld")
