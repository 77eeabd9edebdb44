"""`planner fhir export | push | pull`: the clinic's HL7 FHIR server."""
from __future__ import annotations

import argparse
import sys
from datetime import date

from planner import clock
from planner.services import clinic, household, sharing
from planner.storage.store import Store


def cmd_export(args: argparse.Namespace, store: Store, today: date) -> int:
    family = household.load_family(store, args.child)
    data = clinic.export_bytes(store, family, args.first, args.last, today, clock.now())
    path = sharing.write_output(store, args.output, data)
    print(f"wrote {path}", file=sys.stderr)
    return 0


def cmd_push(args: argparse.Namespace, store: Store, today: date) -> int:
    family = household.load_family(store, args.child)
    summary = clinic.push(store, family, today, clock.now(), server=args.server, token=args.token,
                          first=args.first, last=args.last)
    print(f"sent {family.name}'s progress: {summary}")
    return 0


def cmd_pull(args: argparse.Namespace, store: Store, today: date) -> int:
    from planner.cli.plans import print_outcome
    print_outcome(clinic.pull(store, today, server=args.server, token=args.token, careplan=args.careplan,
                              patient=args.patient, dry_run=args.dry_run, now=clock.now()))
    return 0
