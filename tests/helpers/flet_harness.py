"""Run a Flet app in-process with Flet's real Session and Page and a fake client.

The fake connection encodes every message the way the real transport does (so the
session's control index stays complete), answers the client-side method calls the
app makes (route changes, file picking, saving) and lets a test act like a user:
find a control by key or label, apply the client's patch, dispatch the event.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator

import msgpack
import flet as ft
from flet.controls.base_control import BaseControl
from flet.messaging.connection import Connection
from flet.messaging.protocol import MessageAction, configure_encode_object_for_msgpack
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub


class FakeConnection(Connection):
    def __init__(self, loop: asyncio.AbstractEventLoop, pubsubhub: PubSubHub | None = None):
        super().__init__()
        self.loop = loop
        self.executor = ThreadPoolExecutor(max_workers=2)
        # Sessions of one server share one hub (like Flet's web server): pass the first app's
        # `conn.pubsubhub` to start a second device on the same server.
        self.pubsubhub = pubsubhub or PubSubHub(loop=loop, executor=self.executor)
        self.page_url = "http://127.0.0.1:8550"
        self.page_name = ""
        self.session: Session | None = None
        self.sent: list[tuple[Any, Any]] = []
        self.picked_files: list[dict[str, Any]] = []   # what the next pick_files returns
        self.saved: list[dict[str, Any]] = []          # what save_file received
        self.launched: list[str] = []
        self.encode = configure_encode_object_for_msgpack(BaseControl)

    def send_message(self, message) -> None:
        msgpack.packb([message.action, message.body], default=self.encode)
        self.sent.append((message.action, message.body))
        if message.action == MessageAction.INVOKE_METHOD:
            body = message.body
            result = self._answer(body.name, body.args or {})
            self.loop.call_soon(self.session.handle_invoke_method_results,
                                body.control_id, body.call_id, result, None)

    def _answer(self, name: str, args: dict[str, Any]) -> Any:
        if name == "pick_files":
            files, self.picked_files = self.picked_files, []
            return [{"id": i, "path": None, "size": len(f.get("bytes") or b""), **f}
                    for i, f in enumerate(files)]
        if name == "save_file":
            self.saved.append(dict(args))
            return args.get("file_name")
        if name == "launch_url":
            self.launched.append(args.get("url"))
        return None

    def get_upload_url(self, file_name: str, expires: int) -> str:
        return f"{self.page_url}/upload/{file_name}"

    def dispose(self) -> None:
        self.executor.shutdown(wait=False)


class App:
    """A running app session and user-like helpers."""

    def __init__(self, conn: FakeConnection, session: Session):
        self.conn = conn
        self.session = session
        self.page = session.page

    async def settle(self, rounds: int = 6) -> None:
        for _ in range(rounds):
            await asyncio.sleep(0)
        await asyncio.sleep(0.01)
        for _ in range(rounds):
            await asyncio.sleep(0)

    # ---- finding controls
    def walk(self, root: Any = None) -> Iterator[Any]:
        stack = [root or self.page]
        seen = set()
        while stack:
            c = stack.pop()
            if id(c) in seen:
                continue
            seen.add(id(c))
            if isinstance(c, ft.DialogControl) and not getattr(c, "open", True):
                continue            # a closed dialog or sheet is not on screen
            yield c
            for name in ("views", "controls", "content", "title", "leading", "trailing", "subtitle",
                         "actions", "destinations", "navigation_bar", "appbar", "bottom_appbar",
                         "floating_action_button", "overlay", "_overlay", "dialogs", "_dialogs",
                         "tabs", "label_content", "icon", "bottom_sheet", "drawer"):
                child = getattr(c, name, None)
                if child is None or isinstance(child, (str, bytes, int, float)):
                    continue
                if isinstance(child, (list, tuple)):
                    stack.extend(reversed([x for x in child if isinstance(x, BaseControl) or hasattr(x, "controls")]))
                elif isinstance(child, BaseControl) or hasattr(child, "controls"):
                    stack.append(child)

    def all(self, cond: Callable[[Any], bool]) -> list[Any]:
        return [c for c in self.walk() if isinstance(c, BaseControl) and cond(c)]

    def by_key(self, key: str) -> Any:
        found = self.all(lambda c: _key(c) == key)
        assert found, f"no control with key {key!r}; keys: {sorted(self.keys())[:80]}"
        return found[0]

    def has_key(self, key: str) -> bool:
        return bool(self.all(lambda c: _key(c) == key))

    def keys(self) -> list[str]:
        return [k for c in self.walk() if (k := _key(c))]

    def texts(self) -> list[str]:
        out = []
        for c in self.walk():
            v = getattr(c, "value", None) if isinstance(c, ft.Text) else None
            if isinstance(v, str):
                out.append(v)
            for attr in ("label", "tooltip", "semantics_label", "hint_text"):
                v = getattr(c, attr, None)
                if isinstance(v, str):
                    out.append(v)
        return out

    def text(self) -> str:
        return "\n".join(self.texts())

    def text_of(self, key: str) -> str:
        """All text shown inside the control with this key."""
        node = self.by_key(key)
        return "\n".join(c.value for c in self.walk(node)
                         if isinstance(c, ft.Text) and isinstance(c.value, str))

    # ---- acting like a user
    def crashes(self) -> list[str]:
        return [getattr(b, "message", str(b)) for a, b in self.conn.sent
                if a == MessageAction.SESSION_CRASHED]

    async def fire(self, control: Any, event: str = "click", data: Any = None) -> None:
        before = len(self.crashes())
        await self.session.dispatch_event(control._i, event, data)
        await self.settle()
        crashed = self.crashes()[before:]
        assert not crashed, f"the app crashed handling {event}: {crashed[0]}"

    async def click(self, key: str) -> None:
        await self.fire(self.by_key(key), "click")

    async def long_press(self, key: str) -> None:
        await self.fire(self.by_key(key), "long_press")

    async def set_value(self, key: str, value: Any, event: str = "change") -> None:
        c = self.by_key(key)
        self.session.apply_patch(c._i, {"value": value})
        await self.fire(c, event, value if not isinstance(value, bool) else str(value).lower())

    async def select(self, key: str, value: Any) -> None:
        await self.set_value(key, value, "select")


def _key(c: Any) -> str | None:
    k = getattr(c, "key", None)
    if k is None:
        return None
    return getattr(k, "value", k) if not isinstance(k, str) else k


async def start(main: Callable, width: int = 390, height: int = 844, hub: PubSubHub | None = None) -> App:
    loop = asyncio.get_running_loop()
    conn = FakeConnection(loop, hub)
    session = Session(conn)
    conn.session = session
    session.apply_page_patch({"route": "/", "width": width, "height": height, "web": True,
                              "platform": "android", "window": {"width": width, "height": height}})
    # What registering a client does: index the page and snapshot it as sent.
    msgpack.packb(session.get_page_patch(), default=conn.encode)
    from flet.controls.context import _context_page, context
    _context_page.set(session.page)
    context.reset_auto_update()
    session.start_updates_scheduler()
    result = main(session.page)
    if asyncio.iscoroutine(result):
        await result
    app = App(conn, session)
    await app.settle()
    return app
