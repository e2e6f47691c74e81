"""The one place where the application is put together: settings, storage, content, handlers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, Defaults, ExtBot, MessageHandler, filters
from telegram.request import HTTPXRequest

from bot import callbacks
from bot.app.chat_state import DialogSync
from bot.app.context import CONTEXT_TYPES, BotApplication
from bot.app.groups import Group, Registration
from bot.app.handlers.appointment_dialogue import AppointmentDialogue
from bot.app.handlers.appointment_list import AppointmentList
from bot.app.handlers.chapters import ContentHandlers
from bot.app.handlers.chats import PrivateChatsOnly
from bot.app.handlers.dialogue import DialogueHandlers, EnrolmentConsent
from bot.app.handlers.free_text import QuestionHandlers
from bot.app.handlers.inbox import InboxHandlers
from bot.app.handlers.privacy import PrivacyHandlers
from bot.app.handlers.safety import SafetyHandlers
from bot.app.handlers.staff_broadcast import BroadcastHandlers
from bot.app.handlers.staff_enrolment import EnrolmentHandlers
from bot.app.handlers.staff_tools import StaffTools, install_sighup
from bot.app.housekeeping import schedule_language_refresh, schedule_miss_flush, schedule_purge
from bot.app.inbox_watch import schedule_inbox_watch
from bot.app.outbox_wiring import make_broadcast_sender
from bot.app.services import Services, TeamInbox
from bot.app.telegram_io import RetryingRequest, TelegramSender
from bot.app.updates import ChatOrderedProcessor, SeenUpdates
from bot.clock import Clock, SystemClock
from bot.content.model import LANGS
from bot.inbox.crypto import cipher_from_key
from bot.inbox.delivery import AnswerDelivery, AnswerLoop
from bot.knowledge import KnowledgeStore
from bot.observability.metrics import Metrics
from bot.observability.server import ObservabilityServer
from bot.outbox.budget import SendBudget
from bot.outbox.pacer import Limits, Pacer, Priority
from bot.reminders.service import BatchReport, ReminderService
from bot.reminders.timer import ReminderTimer
from bot.settings import Settings, SettingsError
from bot.storage.offload import Offload
from bot.storage.signals import INBOX, OUTBOX, REMINDERS, Listener, libpq_url
from bot.storage.store import Storage, open_storage
from bot.triage.routing import spreekuur_status

log = logging.getLogger(__name__)

TELEGRAM_API = "https://api.telegram.org/bot"
DEMO_TOKEN = "123456:DEMO-TOKEN-FOR-THE-LOCAL-FAKE"  # noqa: S105 - not a secret: only the local fake accepts it
# Commands that are the same in both languages; their descriptions come from ui.yaml.
COMMANDS = ("start", "menu", "contact", "afspraak", "afspraken", "meldingen", "taal", "privacy", "stop", "help")


@dataclass
class Assembly:
    """The built application and the services behind it (tests and the CLI use both)."""

    app: Application  # type: ignore[type-arg]
    services: Services
    staff: StaffTools
    dialogs: DialogSync
    budget: SendBudget
    observability: ObservabilityServer | None = None
    listener: Listener | None = None
    drained: bool = False
    owns_storage: bool = False  # opened by build_application, so closed at shutdown (not one it was given)

    async def startup(self, _app: object = None) -> None:
        """What runs once the application is up (python-telegram-bot's post_init): commands, timers."""
        # Build this year's holiday calendar now: the first patient's alarm must not wait for it.
        spreekuur_status(self.services.clock.now(), self.services.knowledge.current.catalog.content)
        await warm_languages(self.services)
        await self.dialogs.warm()
        await self.budget.start()
        await register_commands(self.app, self.services)
        self.services.timer.start()
        if self.app.job_queue is not None:
            schedule_purge(self.app.job_queue, self.services)
            schedule_miss_flush(self.app.job_queue, self.services)
            schedule_language_refresh(self.app.job_queue, self.services)
            schedule_inbox_watch(self.app.job_queue, self.services)
        self.services.outbox.start()
        if self.services.inbox is not None:
            self.services.inbox.answers.start()
        self.listener = make_listener(self.services)
        if self.listener is not None:
            self.listener.start()
        install_sighup(self.app, self.staff)
        settings = self.services.settings
        if settings.metrics_port:
            self.observability = ObservabilityServer(
                self.services.metrics, self._health, host=settings.metrics_host, port=settings.metrics_port
            )
            try:
                await self.observability.start()
            except OSError as exc:  # in use, or an address this host does not have
                where = f"{settings.metrics_host}:{settings.metrics_port}"
                raise SettingsError(
                    f"METRICS_PORT/METRICS_HOST: cannot listen on {where}: {exc.strerror or exc}"
                ) from None

    async def stop(self, _app: object = None) -> None:
        """Drain (python-telegram-bot's post_stop, while the bot can still send): the reminder batch and
        the broadcast messages in flight finish and are recorded, unsent claims go back, counts are written."""
        if self.drained:
            return  # post_stop ran already; post_shutdown calls this again for a stop that skipped it
        self.drained = True
        services = self.services
        services.db.hurry()  # a database that does not answer must not hold up the stop
        if self.listener is not None:
            await self.listener.stop()
            self.listener = None
        answers = services.inbox.answers.stop() if services.inbox is not None else asyncio.sleep(0)
        await asyncio.gather(services.timer.stop(), services.outbox.stop(), answers)
        await self.budget.stop()
        await services.misses.flush_off_loop(services.db)

    async def shutdown(self, _app: object = None) -> None:
        """What runs when the application has stopped (python-telegram-bot's post_shutdown)."""
        await self.stop()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        if self.observability is not None:
            await self.observability.stop()
            self.observability = None
        self.services.db.close()
        if self.owns_storage:
            self.services.storage.close()  # its pooled connections; a call stuck in a thread keeps its own

    async def _health(self) -> dict[str, bool]:
        try:
            database = await self.services.db(self.services.storage.ping)
        except Exception:
            database = False
        updater = self.app.updater
        updates = self.app.running and (updater is None or updater.running)
        return {"database": database, "updates": bool(updates)}


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    storage: Storage | None = None,
    knowledge: KnowledgeStore | None = None,
    retry_delays: tuple[float, ...] = (0.25, 1.0, 3.0),
    outbox_options: dict[str, Any] | None = None,
    dedupe_updates: bool = False,
    answer_poll: float = 15.0,
    limits: Limits | None = None,
    pacer: Pacer | None = None,
) -> Assembly:
    """Build the python-telegram-bot Application with every handler and service wired in.

    `dedupe_updates` (webhook mode): drop an update whose update_id any instance took already; the
    instances then share the bot's send budget (bot.outbox.budget). `answer_poll`: seconds between looks
    for team answers to send when no NOTIFY wakes the bot (SQLite). `limits`: what the pacer keeps to
    (default: Telegram's, with BROADCAST_RATE and REPLY_MAX_WAIT); `pacer`: one made by the caller.
    """
    knowledge = knowledge or KnowledgeStore(settings.content_dir, settings.schedules_dir)
    owns_storage = storage is None
    if storage is None:
        storage = open_storage(settings.database_url)
        storage.migrate()
    clock = clock or SystemClock()
    metrics, db = Metrics(), Offload()
    if pacer is None:
        limits = limits or Limits(broadcast_per_second=settings.broadcast_rate, reply_max_wait=settings.reply_max_wait)
        # Several webhook instances start at their floor and lease a share (SendBudget.start).
        pacer = Pacer(limits, rate=limits.floor if dedupe_updates else None)
    metrics.watch_sending(pacer.figures)
    # The Bot API client comes first: the sender, the reminder service and the outbox need it, and with
    # them `Services` is complete before the Application and its handlers exist.
    bot = make_bot(settings, pacer, retry_delays)
    sender = TelegramSender(bot)
    rules, max_late = knowledge.current.catalog.reminder_rules, timedelta(hours=settings.reminder_max_late_hours)
    reminders = ReminderService(storage, rules, TelegramSender(bot, Priority.REMINDER), clock, max_late=max_late, db=db)
    outbox = make_broadcast_sender(
        settings=settings,
        knowledge=knowledge,
        storage=storage,
        sender=TelegramSender(bot, Priority.BROADCAST),
        clock=clock,
        db=db,
        **{"pacer": pacer, **(outbox_options or {})},
    )
    services = Services(
        settings=settings,
        knowledge=knowledge,
        storage=storage,
        clock=clock,
        sender=sender,
        reminders=reminders,
        timer=ReminderTimer(reminders, on_report=_count_reminders(metrics)),
        outbox=outbox,
        metrics=metrics,
        db=db,
        inbox=make_team_inbox(settings, bot, storage, clock, knowledge, db, answer_poll),
    )

    processor = ChatOrderedProcessor(seen=SeenUpdates(storage.dialogs, db, clock) if dedupe_updates else None)
    app = (
        Application.builder()
        .application_class(BotApplication, kwargs={"services": services})
        .context_types(CONTEXT_TYPES)
        .bot(bot)
        .concurrent_updates(processor)
        .build()
    )

    staff_tools, dialogs = add_handlers(app, services, processor, dedupe_updates)
    budget = SendBudget(pacer, storage, clock, shared=dedupe_updates, db=db)
    assembly = Assembly(app, services, staff_tools, dialogs, budget, owns_storage=owns_storage)
    app.post_init = assembly.startup
    app.post_stop = assembly.stop
    app.post_shutdown = assembly.shutdown
    return assembly


def make_bot(settings: Settings, pacer: Pacer, retry_delays: tuple[float, ...]) -> ExtBot[None]:
    """The Bot API client: every request through the pacer and the retrying connections."""
    api = settings.base_url or TELEGRAM_API  # another server: a self-hosted Bot API, or the local fake
    return ExtBot(
        settings.token or DEMO_TOKEN,
        base_url=api,
        base_file_url=api.replace("/bot", "/file/bot"),
        defaults=Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)),
        request=RetryingRequest(pacer=pacer, delays=retry_delays),
        get_updates_request=HTTPXRequest(read_timeout=40.0),
    )


def make_team_inbox(
    settings: Settings,
    bot: ExtBot[None],
    storage: Storage,
    clock: Clock,
    knowledge: KnowledgeStore,
    db: Offload,
    answer_poll: float,
) -> TeamInbox | None:
    """With INBOX_KEY: the questions to the team (the cipher and the loop that sends answers), else None."""
    cipher = cipher_from_key(settings.inbox_key)
    if cipher is None:
        return None
    # Team answers are background sends delivered like reminders: the same place in the pacer's queue.
    answers = TelegramSender(bot, Priority.REMINDER)
    delivery = AnswerDelivery(storage, answers, clock, cipher, lambda: knowledge.current.catalog.ui, db)
    return TeamInbox(cipher, AnswerLoop(delivery, poll=answer_poll))


def add_handlers(
    app: Application,  # type: ignore[type-arg]
    services: Services,
    processor: ChatOrderedProcessor,
    dedupe_updates: bool,
) -> tuple[StaffTools, DialogSync]:
    """Build every feature's handlers and add them in `handler_order`; the staff tools (SIGHUP) and the
    dialog state sync (start-up) are the assembly's too."""
    content_handlers = ContentHandlers(services)
    enrolment = EnrolmentHandlers(services)
    content_handlers.deep_link_handlers.append(enrolment.redeem_deep_link)
    staff_tools = StaffTools(services)
    broadcast = BroadcastHandlers(services, changed=lambda: staff_tools.last_changed)
    safety = SafetyHandlers(services)
    dialogs = DialogSync(services, every_update=dedupe_updates)
    processor.after = dialogs.after_update
    inbox_handlers = InboxHandlers(services)
    appointments = AppointmentDialogue(services, stale=content_handlers.stale)
    questions = QuestionHandlers(services, inbox_handlers)
    for group, handler in handler_order(
        PrivateChatsOnly(services).handlers(),
        dialogs.handlers(app),
        [
            enrolment.command(),
            broadcast.command(),
            *staff_tools.commands(),
            *broadcast.dialogue(),
            enrolment.buttons(),
        ],
        safety.handlers(),
        DialogueHandlers(services, questions, [appointments, EnrolmentConsent()]).handlers(),
        appointments.handlers(),
        AppointmentList(services).handlers(),
        content_handlers,
        PrivacyHandlers(services).handlers(),
        inbox_handlers.handlers(),
        questions.handlers(),
    ):
        app.add_handler(handler, group)
    app.add_error_handler(safety.on_error)
    return staff_tools, dialogs


def handler_order(
    private_only: list[Registration],
    dialog_state: list[Registration],
    staff: list[Registration],
    safety: list[Registration],
    dialogue: list[Registration],
    appointment_dialogue: list[Registration],
    appointment_list: list[Registration],
    content: ContentHandlers,
    privacy: list[Registration],
    inbox: list[Registration],
    questions: list[Registration],
) -> list[Registration]:
    """Every handler of the bot in one list. Order matters.

    python-telegram-bot offers an update to the groups in `Group` order (bot.app.groups says why each
    sits where it does) and, within a group, to its handlers in the order of this list; the first one
    that matches runs. The list is sorted by group, stably, so it reads as the order an update meets.
    """
    registrations = [
        *private_only,  # PRIVATE_ONLY: nothing is answered in groups or channels
        *dialog_state,  # STAFF_STATE, DIALOG_STATE: around the alarm layer, see bot.app.chat_state
        *staff,  # STAFF_DRAFT, STAFF: enrolment, /bericht and the staff tools; only staff stop there
        *safety,  # SAFETY, UNREADABLE
        # Buttons without data match every pattern in python-telegram-bot; send them to "stale" first.
        (Group.DEFAULT, CallbackQueryHandler(content.stale, pattern=callbacks.EMPTY_PATTERN)),
        *dialogue,  # DIALOGUE: typed text in a patient dialogue
        *appointment_dialogue,  # DIALOGUE (/annuleer inside it), then /afspraak and its buttons
        *appointment_list,  # /afspraken, its buttons and the reminder buttons
        *content.handlers(),
        *privacy,
        *inbox,  # /vraag and the buttons of the questions to the team
        # Catch-alls come last in the default group.
        (Group.DEFAULT, CallbackQueryHandler(content.stale)),
        *questions,
        (Group.DEFAULT, MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, content.unknown_command)),
    ]
    return sorted(registrations, key=lambda registration: registration[0])


def make_listener(services: Services) -> Listener | None:
    """On PostgreSQL: wake the reminder timer, the outbox sender and the answer delivery when another process adds work."""
    conninfo = libpq_url(services.settings.database_url)
    if conninfo is None:
        return None
    wake: dict[str, Callable[[], None]] = {REMINDERS: services.timer.signal, OUTBOX: services.outbox.wake}
    if services.inbox is not None:
        wake[INBOX] = services.inbox.answers.wake
    return Listener(conninfo, wake)


async def warm_languages(services: Services) -> None:
    """Fill the language cache from the database, off the event loop (a failure only costs languages)."""
    try:
        await services.refresh_languages()
    except Exception as exc:
        log.warning("chat languages not loaded at start-up: %s", type(exc).__name__)


def _count_reminders(metrics: Metrics) -> Callable[[BatchReport], None]:
    def count(report: BatchReport) -> None:
        for status, ids in (("sent", report.sent), ("skipped", report.skipped), ("failed", report.failed)):
            for _ in ids:
                metrics.reminder(status)

    return count


async def register_commands(app: Application, services: Services) -> None:  # type: ignore[type-arg]
    """Register the command list and descriptions in Dutch and English.

    These calls are optional: a minimal or self-hosted Bot API server may not implement them, and
    the bot must still run, so a failure is logged and ignored.
    """
    ui = services.knowledge.current.catalog.ui
    names = (*COMMANDS[:-2], "vraag", *COMMANDS[-2:]) if services.inbox is not None else COMMANDS
    for lang in LANGS:
        commands = [BotCommand(name, ui.t(f"commands.{name}", lang)) for name in names]
        code = None if lang == "nl" else lang
        for call, kwargs in (
            (app.bot.set_my_commands, {"commands": commands}),
            (app.bot.set_my_description, {"description": ui.t("description", lang)}),
            (app.bot.set_my_short_description, {"short_description": ui.t("short_description", lang)}),
        ):
            try:
                await call(language_code=code, **kwargs)
            except TelegramError as exc:
                log.warning("optional start-up call %s failed: %s", getattr(call, "__name__", call), type(exc).__name__)


ALLOWED_UPDATES = Update.ALL_TYPES
