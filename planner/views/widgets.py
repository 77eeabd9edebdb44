"""Small shared controls: pictures, section headers, messages. No rules here."""
from __future__ import annotations

import flet as ft

from planner.views import rows

SEED = "#2E7D6B"          # calm teal
TOUCH = 48                # minimum touch target


def theme() -> ft.Theme:
    return ft.Theme(color_scheme_seed=SEED, use_material3=True,
                    visual_density=ft.VisualDensity.COMFORTABLE)


def picture(src: str | bytes, size: int, label: str, radius: int = 12) -> ft.Control:
    """An activity picture (bundled SVG path or the family's own photo bytes)."""
    return ft.Image(src=src, width=size, height=size, fit=ft.BoxFit.COVER,
                    border_radius=ft.BorderRadius.all(radius), semantics_label=label,
                    error_content=ft.Container(width=size, height=size, bgcolor="#ECEFF1",
                                               border_radius=ft.BorderRadius.all(radius)))


def section_title(text: str, icon_src: str | None = None) -> ft.Control:
    parts: list[ft.Control] = []
    if icon_src:
        parts.append(ft.Image(src=icon_src, width=28, height=28, semantics_label=text,
                              border_radius=ft.BorderRadius.all(6)))
    parts.append(ft.Text(text, size=16, weight=ft.FontWeight.W_600))
    return ft.Container(ft.Row(parts, spacing=8), padding=ft.Padding.only(left=4, top=12, bottom=4))


def section(title: str, *controls: ft.Control, key: str | None = None) -> ft.Control:
    """A titled card grouping related fields (settings, builder, sharing)."""
    return ft.Container(ft.Column([ft.Text(title, size=16, weight=ft.FontWeight.W_600), *controls], spacing=8,
                                  horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
                        padding=12, border_radius=ft.BorderRadius.all(16), bgcolor="#F6F8F7", key=key)


def message_card(text: str, key: str | None = None, icon: str = ft.Icons.WB_SUNNY_OUTLINED) -> ft.Control:
    return ft.Container(
        ft.Row([ft.Icon(icon, size=32, color=SEED),
                ft.Text(text, size=16, expand=True)], spacing=12),
        key=key, padding=16, border_radius=ft.BorderRadius.all(16), bgcolor="#E8F3EF",
        margin=ft.Margin.only(top=8),
    )


def area_chip(area: str) -> ft.Control:
    return ft.Container(
        ft.Text(rows.area_label(area), size=12, color="#FFFFFF", weight=ft.FontWeight.W_500),
        bgcolor=rows.area_color(area), border_radius=ft.BorderRadius.all(10),
        padding=ft.Padding.symmetric(horizontal=8, vertical=2),
    )


def icon_button(icon: str, label: str, key: str, on_click, **kw) -> ft.Control:
    """An icon button whose label screen readers (and browser tests) can find."""
    kw.setdefault("width", TOUCH)              # a 48 x 48 px target, whatever the theme's density
    kw.setdefault("height", TOUCH)
    return ft.Semantics(content=ft.IconButton(icon, key=key, on_click=on_click, **kw),
                        label=label, button=True, container=True)


def close(dialog: ft.DialogControl) -> None:
    """Close this dialog (page.pop_dialog() would close a snack bar shown after it)."""
    dialog.open = False
    dialog.update()


def with_pin(state, nav, why: str, action) -> None:
    """Run `action()` now when no parent PIN is set, else after the PIN is typed. A wrong PIN
    keeps what was typed selected and the field focused, so the parent can simply type again."""
    if not state.has_pin():
        action()
        return
    field = ft.TextField(label="Parent PIN", password=True, autofocus=True, max_length=8, width=220,
                         keyboard_type=ft.KeyboardType.NUMBER, key="pin-field")
    error = ft.Text("", color="#B3261E", key="pin-error")

    async def check(e=None) -> None:
        got = state.check_pin(field.value or "")
        if got.ok:
            close(dialog)
            action()
            return
        error.value = got.message()
        field.error = got.message()
        field.selection = ft.TextSelection(base_offset=0, extent_offset=len(field.value or ""))
        dialog.update()
        await field.focus()

    field.on_submit = check
    dialog = ft.AlertDialog(
        modal=True, title=ft.Text(why),
        content=ft.Column([field, error], tight=True, spacing=4, key="pin-dialog"),
        actions=[ft.TextButton("Cancel", key="pin-cancel", on_click=lambda e: close(dialog)),
                 ft.FilledButton("OK", key="pin-ok", on_click=check)])
    nav.show_dialog(dialog)
