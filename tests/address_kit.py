"""A small address register inside the seeded test city (West Station 114.0-114.1, East Station 114.1-114.2)."""

from __future__ import annotations

from precinct.addresses import service
from precinct.addresses.importer import import_addresses
from precinct.addresses.models import ImportKind
from precinct.addresses.sources import read_csv_text
from testkit import ADMIN_ACTOR

HEADER = "code,text,text_en,name,district,road,number,building,unit,lon,lat\n"
ROWS = [
    "A1,,688 Jiefang Avenue,武汉广场,江汉区,解放大道,688,A座,3单元,114.020,30.520",  # West, beat B1
    "A2,,,,江汉区,解放大道,690,,,114.030,30.530",  # West, beat B1
    "A3,,,,江汉区,中山大道,1,,,114.080,30.580",  # West, no beat
    "A4,,Zhongbei Road 1,,武昌区,中北路,1,,,114.150,30.550",  # East
    "A5,武昌区中北路大道口2号,,,,,,,,114.160,30.560",  # East, text only
]
CSV = HEADER + "\n".join(ROWS) + "\n"


def load_register(session, csv_text: str = CSV, *, actor=ADMIN_ACTOR):
    """Import ``csv_text`` as a complete import and return its report."""
    return import_addresses(session, read_csv_text(csv_text, name="test.csv"), kind=ImportKind.CSV,
                            source_name="test.csv", actor=actor, on_done=service.forget_index)
