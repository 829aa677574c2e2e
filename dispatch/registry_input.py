"""What an administrator may enter for terminals and vehicles, with Russian refusals.

One set of checks serves the admin pages, the API and the CLI, so each refuses the same input
with the same words. An identifier must be exactly what the terminal sends at login, in the
form its protocol's decoder turns it into (``egts_server.codec.*.session``), or the registry
entry would never match the terminal:

* EGTS: the TID as a decimal 1–4294967295 (TID 0 means "no TID": such a terminal logs in by
  its IMEI, which is then the identifier);
* NDTP: the device id of CONN_REQUEST, a u32;
* Teltonika, Galileosky, NavTelecom: the IMEI the terminal sends (15 digits);
* Wialon IPS, Wialon Retranslator, OsmAnd, NIS: the text id configured in the terminal or
  the phone (at most 64 characters, no spaces; Wialon also forbids its separators ``;#``).

IMEIs are not held to the Luhn check digit: the id is the one the tracker sends, and trackers
with made-up IMEIs that fail it (cheap clones, bench units) do log in; refusing them here would
only make them impossible to register.

A driver's phone is stored as ``+7`` and the ten digits of the Russian number, however it was
typed (``8 (914) 123-45-67``, ``+7 914 123 45 67``), so the dispatcher's card can dial it and
one driver is always written one way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "PROTOCOL_NAMES",
    "TERMINAL_PROTOCOLS",
    "VEHICLE_KINDS",
    "InputError",
    "TerminalInput",
    "VehicleInput",
    "check_equipment_input",
    "check_imei",
    "check_new_vehicle",
    "check_terminal",
    "check_vehicle_changes",
    "phone_text",
]

TERMINAL_PROTOCOLS: Final = ("egts", "ndtp", "nis", "wialon", "wialonretr", "teltonika",
                             "galileosky", "navtelecom", "osmand")
VEHICLE_KINDS: Final = ("plow", "grader", "sander", "loader", "dump_truck", "sweeper", "bus",
                        "other")
U32_MAX: Final = 0xFFFF_FFFF
TEXT_ID_MAX: Final = 64
NAME_MAX: Final = 100
PLATE_MAX: Final = 16
CONTRACTOR_MAX: Final = 200
DRIVER_MAX: Final = 120
INPUTS_MAX: Final = 32  # digital inputs a terminal reports (EGTS DIN: 8 per byte, 4 bytes)

#: A Russian number as typed: +7, 7 or 8, then the ten digits of the national number; spaces,
#: hyphens and brackets are dropped before matching.
_PHONE: Final = re.compile(r"(?:\+7|7|8)([0-9]{10})")
_PHONE_SEPARATORS: Final = re.compile(r"[\s()-]")
#: The first digit of a Russian area or mobile code (+7 7xx is Kazakhstan; 0, 1, 2, 5, 6 are
#: not given out).
_RUSSIAN_CODE_STARTS: Final = "3489"
_IMEI_PROTOCOLS: Final = ("teltonika", "galileosky", "navtelecom")
#: What each protocol is called in messages and on the admin pages.
PROTOCOL_NAMES: Final = {"egts": "ЕГТС", "ndtp": "НДТП", "nis": "НИС", "wialon": "Wialon IPS",
                          "wialonretr": "Wialon Retranslator", "teltonika": "Teltonika",
                          "galileosky": "Galileosky", "navtelecom": "NavTelecom FLEX",
                          "osmand": "OsmAnd"}


class InputError(ValueError):
    """A refused field: ``field`` is the form's (and the API's) field name."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class TerminalInput:
    protocol: str
    identifier: str
    imei: str | None


@dataclass(frozen=True, slots=True)
class VehicleInput:
    name: str
    kind: str
    plate: str | None
    contractor: str | None
    equipment_input: int | None
    driver: str | None
    driver_phone: str | None


def check_imei(value: str, field: str = "imei") -> str:
    """An IMEI: exactly 15 digits."""
    imei = value.strip()
    if not imei.isdigit() or not imei.isascii():
        raise InputError(field, f"IMEI должен состоять из цифр, а не «{_shown(imei)}»")
    if len(imei) != 15:
        raise InputError(field, f"IMEI — ровно 15 цифр, а здесь {len(imei)}")
    return imei


def check_terminal(protocol: str, identifier: str, imei: str | None = None) -> TerminalInput:
    """The terminal as the registry stores it, or InputError naming the field at fault."""
    if protocol not in TERMINAL_PROTOCOLS:
        raise InputError("protocol", f"неизвестный протокол «{_shown(protocol)}»; "
                                     f"известны: {', '.join(TERMINAL_PROTOCOLS)}")
    text = identifier.strip()
    if not text:
        raise InputError("identifier", "укажите идентификатор терминала")
    if protocol == "egts":
        text = text if len(text) == 15 and text.isdigit() else _u32(text, "ТИД ЕГТС", 1)
    elif protocol == "ndtp":
        text = _u32(text, "идентификатор НДТП", 0)
    elif protocol in _IMEI_PROTOCOLS:
        text = check_imei(text, "identifier")
    else:
        text = _text_id(text, protocol)
    checked_imei = check_imei(imei) if imei is not None and imei.strip() else None
    return TerminalInput(protocol, text, checked_imei)


def check_new_vehicle(fields: Mapping[str, Any]) -> VehicleInput:
    """A new vehicle as the registry stores it: a name is required, the kind defaults to
    "other"; a missing or empty optional field becomes None."""
    given = check_vehicle_changes(fields)
    if "name" not in given:
        raise InputError("name", "укажите название машины")
    return VehicleInput(given["name"], given.get("kind", "other"), given.get("plate") or None,
                        given.get("contractor") or None, given.get("equipment_input") or None,
                        given.get("driver") or None, given.get("driver_phone") or None)


def check_vehicle_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The given fields of a vehicle, checked and cleaned, in ``db.vehicles.update_vehicle``'s
    terms: an empty plate, contractor, driver or driver's phone clears it, equipment input 0
    removes it."""
    checked: dict[str, Any] = {}
    for field, value in changes.items():
        check = _VEHICLE_FIELDS.get(field)
        if check is None:
            raise InputError(field, f"у машины нет поля «{_shown(field)}»")
        checked[field] = check(value)
    return checked


def check_equipment_input(value: object) -> int:
    """The digital input (1-based) that is on while the equipment works; 0: no sensor."""
    if value is None or value == "":
        return 0
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise InputError("equipment_input", f"номер входа — целое число, а не "
                                                f"«{_shown(value)}»")
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError("equipment_input", "номер входа — целое число")
    if not 0 <= value <= INPUTS_MAX:
        raise InputError("equipment_input", f"номер входа — от 1 до {INPUTS_MAX} "
                                            f"(0 — без датчика), а не {value}")
    return value


def _name(value: object) -> str:
    name = _text(value, "name").strip()
    if not name:
        raise InputError("name", "укажите название машины")
    if len(name) > NAME_MAX:
        raise InputError("name", f"название длиннее {NAME_MAX} знаков")
    return name


def _kind(value: object) -> str:
    if value not in VEHICLE_KINDS:
        raise InputError("kind", f"неизвестный вид машины «{_shown(str(value))}»")
    return str(value)


def _plate(value: object) -> str:
    plate = _text(value, "plate").strip().upper().replace(" ", "")
    if len(plate) > PLATE_MAX:
        raise InputError("plate", f"госномер длиннее {PLATE_MAX} знаков")
    if not all(c.isalnum() for c in plate):
        raise InputError("plate", f"госномер — буквы и цифры, без знаков: «{_shown(plate)}»")
    return plate


def _contractor(value: object) -> str:
    contractor = _text(value, "contractor").strip()
    if len(contractor) > CONTRACTOR_MAX:
        raise InputError("contractor", f"подрядчик длиннее {CONTRACTOR_MAX} знаков")
    return contractor


def _driver(value: object) -> str:
    driver = _text(value, "driver").strip()
    if len(driver) > DRIVER_MAX:
        raise InputError("driver", f"имя водителя длиннее {DRIVER_MAX} знаков")
    return driver


def _driver_phone(value: object) -> str:
    typed = _text(value, "driver_phone").strip()
    if not typed:
        return ""
    match = _PHONE.fullmatch(_PHONE_SEPARATORS.sub("", typed))
    if match is None:
        raise InputError("driver_phone", "телефон водителя — российский номер из 11 цифр, "
                                         f"например +7 914 123-45-67, а не «{_shown(typed)}»")
    number = match.group(1)
    if number[0] not in _RUSSIAN_CODE_STARTS:
        raise InputError("driver_phone", f"телефон водителя: код {number[:3]} — не российский")
    return "+7" + number


def phone_text(phone: str) -> str:
    """A stored phone (``+79141234567``) as people read it: ``+7 914 123-45-67``."""
    digits = phone.removeprefix("+7")
    return f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}"


def _text(value: object, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(field, "ожидается строка")
    return value


_VEHICLE_FIELDS: Final[Mapping[str, Callable[[Any], Any]]] = {
    "name": _name, "kind": _kind, "plate": _plate, "contractor": _contractor,
    "equipment_input": check_equipment_input, "driver": _driver, "driver_phone": _driver_phone}


def _u32(text: str, what: str, low: int) -> str:
    if text.startswith("-") and text[1:].isdigit():
        raise InputError("identifier", f"{what} не может быть отрицательным ({text})")
    if not text.isdigit() or not text.isascii():
        raise InputError("identifier", f"{what} — целое число, а не «{_shown(text)}»")
    number = int(text)
    if not low <= number <= U32_MAX:
        raise InputError("identifier", f"{what} — число от {low} до {U32_MAX}, а не {number}")
    return str(number)


def _text_id(text: str, protocol: str) -> str:
    name = PROTOCOL_NAMES[protocol]
    if len(text) > TEXT_ID_MAX:
        raise InputError("identifier", f"идентификатор {name} длиннее {TEXT_ID_MAX} знаков")
    if not text.isprintable() or any(c.isspace() for c in text):
        raise InputError("identifier", f"идентификатор {name} не может содержать пробелы и "
                                       "управляющие знаки")
    if protocol == "wialon" and (set(text) & set(";#") or text == "NA"):
        raise InputError("identifier", "идентификатор Wialon IPS не может содержать «;» и «#» "
                                       "и не может быть «NA»")
    return text


def _shown(text: str) -> str:
    """The refused text as quoted back to the user: short and on one line."""
    one_line = text.replace("\n", " ")
    return one_line if len(one_line) <= 24 else one_line[:23] + "…"
