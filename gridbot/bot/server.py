"""`gridbot serve`: the aiohttp application (channels, /healthz, /metrics), the sender and the scheduler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine, text

from gridbot.bot.card_answers import CardClickAnswers
from gridbot.bot.channels.base import Channel, InboundChannel
from gridbot.bot.channels.gateway import GatewayChannel
from gridbot.bot.channels.wecom import build_wecom_channels
from gridbot.bot.channels.wecom_bot_ws import AiBotConnection
from gridbot.bot.dispatcher import Dispatcher
from gridbot.bot.ingest import Ingestor
from gridbot.bot.metrics import Metrics
from gridbot.bot.photos import PhotoFetcher
from gridbot.bot.sender import Sender
from gridbot.clock import Clock
from gridbot.schedules.scheduler import Ticker, build_scheduler
from gridbot.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What one server process runs; kept on the application for tests and shutdown."""

    settings: Settings
    engine: Engine
    clock: Clock
    metrics: Metrics
    dispatcher: Dispatcher
    ingestor: Ingestor | None = None
    sender: Sender | None = None
    channels: list[Channel] = field(default_factory=list)
    connections: list[AiBotConnection] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)


RUNTIME = web.AppKey("runtime", Runtime)


async def healthz(request: web.Request) -> web.Response:
    """503 only when the database is down; an AI-bot connection that another instance took over is reported
    (`aibot`: up / reconnecting / superseded) but is no reason to restart this process, which would fight again."""
    runtime = request.app[RUNTIME]
    aibot = {connection.bot_id: connection.status for connection in runtime.connections}
    try:
        await asyncio.to_thread(_ping, runtime.engine)
    except Exception:
        return web.json_response({"ok": False, "database": "unavailable", "aibot": aibot}, status=503)
    body: dict[str, object] = {"ok": True, "database": "ok"}
    if aibot:
        body["aibot"] = aibot
    return web.json_response(body)


def _ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


async def metrics(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    body = await asyncio.to_thread(generate_latest, runtime.metrics.registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def build_app(
    settings: Settings,
    engine: Engine,
    clock: Clock,
    *,
    extra_channels: list[Channel] | None = None,
    run_scheduler: bool = True,
) -> web.Application:
    """The whole server as one application (built inside the event loop: it owns an HTTP client session).

    Routes are registered here; background work (the inbox worker, the sender, the AI-bot connections, the
    scheduler) starts with the application and stops gracefully with it.
    """
    app = web.Application(client_max_size=settings.max_body_bytes)
    metrics_ = Metrics(engine)
    dispatcher = Dispatcher(engine, settings, clock)
    runtime = Runtime(settings, engine, clock, metrics_, dispatcher)
    app[RUNTIME] = runtime
    http = aiohttp.ClientSession()

    answers = CardClickAnswers(engine, clock)
    wecom = build_wecom_channels(settings, http, clock=clock, engine=engine, answer=answers.answer)
    inbound: list[InboundChannel] = list(wecom.inbound)
    outbound: list[Channel] = list(wecom.outbound)
    secret = settings.gateway_secret.get_secret_value()
    if secret:
        gateway = GatewayChannel(secret, settings.gateway_url, http, max_body_bytes=settings.max_body_bytes)
        inbound.append(gateway)
        outbound.append(gateway)
    outbound += extra_channels or []
    runtime.channels = outbound
    runtime.connections = list(wecom.connections)
    runtime.sender = Sender(engine, outbound, settings, clock, metrics_)
    photos = PhotoFetcher(engine, settings, wecom.media, clock, metrics_)
    runtime.ingestor = Ingestor(engine, dispatcher, clock, metrics_, photos, runtime.sender.wake.set)

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    for channel in inbound:
        app.router.add_routes(channel.routes(runtime.ingestor.ingest))

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        assert runtime.ingestor is not None and runtime.sender is not None
        runtime.ingestor.start()
        runtime.tasks.append(asyncio.create_task(runtime.sender.run(runtime.stop), name="sender"))
        for connection in wecom.connections:
            runtime.tasks.append(asyncio.create_task(connection.run(runtime.ingestor.ingest), name="aibot"))
        scheduler = None
        if run_scheduler:
            scheduler = build_scheduler(Ticker(engine, settings, clock, runtime.sender.wake.set), settings)
            scheduler.start()
        yield
        # Graceful shutdown: no new scheduled work, finish the accepted messages, send what they produced.
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        await runtime.ingestor.drain()
        runtime.stop.set()
        runtime.sender.wake.set()
        for connection in wecom.connections:
            await connection.stop()
        for task in runtime.tasks:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, timeout=10)
        await runtime.sender.deliver_due()
        await http.close()

    app.cleanup_ctx.append(lifecycle)
    return app
