"""Take the screenshots of the console's user guide (docs/console.md) into docs/images/console/.

    .venv/bin/python scripts/console-screenshots.py [--out docs/images/console]

Starts the console on a temporary SQLite database holding the Wuhan demo city with three weeks of
simulated history (the browser tests' server, tests/web/console_kit.py), logs in as each demo role
in headless Chromium (1366×768; the patrol officer on a 390×844 phone) and saves one PNG per shot,
reduced to a palette so that each stays under 250 KB. Needs Debian's Chromium, as the browser tests do.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tests" / "web")]  # console_kit and testkit

from console_kit import Console, chromium, create_incident, free_unit, running_console  # noqa: E402

MAX_BYTES = 250_000
DESKTOP = (1366, 768)
PHONE = (390, 844)
HISTORY_DAYS, CALLS_PER_DAY = 21, 100


def seed_history(root: Path) -> None:
    """Load the demo city with simulated history into ``root/console.db`` (running_console then finds it loaded)."""
    from precinct.app import session_factory
    from precinct.core import migrate
    from precinct.core.db import make_engine
    from precinct.core.permissions import Role
    from precinct.core.security import Actor
    from precinct.demo import city
    from precinct.incidents import service as incident_service
    from testkit import test_settings

    url = f"sqlite:///{root / 'console.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        incident_service.load_default_types(session)
        city.load(session, actor=Actor(username="screenshots", role=Role.ADMIN, ip="127.0.0.1"),
                  credentials_file=root / "demo-credentials.json", settings=test_settings(url),
                  history_days=HISTORY_DAYS, calls_per_day=CALLS_PER_DAY)
        session.commit()
    engine.dispose()


def save_small(png: bytes, path: Path) -> int:
    """Write ``png`` as a palette PNG of at most MAX_BYTES (fewer colours until it fits); return its size."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    for colours in (256, 128, 64, 32):
        buffer = io.BytesIO()
        image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(buffer, format="PNG", optimize=True)
        if buffer.tell() <= MAX_BYTES:
            break
    path.write_bytes(buffer.getvalue())
    return buffer.tell()


# (file name, account, viewport, steps): each step clicks (">selector"), scrolls to ("@selector"), waits
# for ("selector") or pauses ("pause"); "{incident}" is the dispatcher's new call. In the order of docs/console.md.
SHOTS: list[tuple[str, str, tuple[int, int], tuple[str, ...]]] = [
    ("01-call-taker-new-call", "calltaker", DESKTOP, (">#stab-call", "#panel-call:not([hidden]) #call-submit")),
    ("02-dispatcher-incident-card", "dispatcher", DESKTOP,
     ("#incident-list [data-incident-id='{incident}']", ">#incident-list [data-incident-id='{incident}']",
      "#recommendation-list .recommendation")),
    ("03-station-view", "supervisor", DESKTOP,
     (">#tab-station", "#station-unit-list li", "#station-beat-list li", "pause")),
    ("04-supervisor-duty-levels-en", "supervisor", DESKTOP, (">#lang-toggle", ">#stab-duty", "#duty-table tr")),
    ("05-patrol-officer-phone", "officer", PHONE, ("#officer-assignment", ">#officer-ack", "#officer-acknowledged")),
    ("06-analyst-view", "analyst", DESKTOP,
     ("#charts-basis[data-total]", "#heat-map[data-cells]", "@#charts-basis", "pause")),
    ("07-admin-accounts", "admin", DESKTOP, (">#tab-security", "#accounts-panel li, #accounts-panel tr")),
    ("08-auditor-alerts-en", "auditor", DESKTOP,
     (">#lang-toggle", "#alert-list tbody tr", ">#audit-verify", "#audit-verify-result[data-ok='true']")),
]


def take(console: Console, steps: tuple[str, ...], **names: object) -> bytes:
    """Run ``steps`` on the console's page and return its screenshot (PNG)."""
    page = console.page
    for step in steps:
        if step == "pause":
            page.wait_for_timeout(1500)  # the charts' animation
        elif step.startswith(">"):
            page.click(step[1:].format(**names))
        elif step.startswith("@"):
            page.locator(step[1:]).first.evaluate("(e) => e.scrollIntoView({ block: 'start' })")
        else:
            page.wait_for_selector(step.format(**names))
    return page.screenshot()


def main() -> None:
    """Seed, serve, and take every shot (or those named with --only)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images" / "console")
    parser.add_argument("--only", nargs="*", help="file names (without .png) to take; default every one")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, chromium() as browser:
        root = Path(folder)
        print(f"seeding the demo city with {HISTORY_DAYS} days of history…", file=sys.stderr)
        seed_history(root)
        with running_console(root) as server:
            free_unit(server, server.officer_unit_id)
            incident = create_incident(server, type_code="theft", description="电动车被盗，车主在现场")
            server.api("dispatcher", "POST", f"/incidents/{incident['id']}/assignments",
                       json={"unit_id": server.officer_unit_id})
            dispatcher_call = create_incident(server, type_code="traffic_collision", description="两车追尾，无人受伤")
            total = 0
            for name, username, viewport, steps in SHOTS:
                if args.only and name not in args.only:
                    continue
                console = Console(browser, server, viewport=viewport).log_in(username)
                try:
                    size = save_small(take(console, steps, incident=dispatcher_call["id"]), args.out / f"{name}.png")
                finally:
                    console.close()
                total += size
                print(f"{name}.png  {size / 1000:.0f} kB", file=sys.stderr)
            print(f"{total / 1e6:.2f} MB in all", file=sys.stderr)


if __name__ == "__main__":
    main()
