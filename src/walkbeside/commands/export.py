"""`walkbeside export [--out build/site] [--org org.yml] [--audience learner|trainer] [--single-file]`"""

from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_OUT = Path("build") / "site"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="write the course as a static website that works offline (for an organization's site, intranet or USB stick)",
        description="Write the course as static HTML pages: a course home page, one page per module, the crisis resources, "
                    "a glossary, the key points and an about/sources page. The pages work opened straight from disk, load "
                    "nothing from the internet and keep anything a learner types in their own browser. "
                    "See docs/organizations.md.")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="FOLDER",
                   help=f"folder to write (default: {DEFAULT_OUT}); must be new, empty or an earlier export")
    p.add_argument("--org", type=Path, default=None, metavar="ORG_YML",
                   help="organization settings: name, logo, colours, volunteer contact, local crisis resources (see examples/org.yml)")
    p.add_argument("--audience", choices=["learner", "trainer"], default="learner",
                   help="learner (default): no trainer notes; trainer: adds the trainer notes in marked boxes")
    p.add_argument("--single-file", action="store_true",
                   help="write each module as one self-contained HTML file (with its crisis resources and glossary) that can be emailed")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..export import export_site, load_org  # imported here: `walkbeside --help` stays fast

    org = load_org(args.org) if args.org else None
    result = export_site(args.out, org=org, audience=args.audience, single_file=args.single_file)
    for warning in result.warnings:
        print(f"warning: {warning}")
    shown = str(args.out)
    edition = f"{result.audience} edition"
    if result.single_file:
        print(f"Wrote {len(result.pages)} single-file module pages ({edition}) to {shown}/ in {result.seconds:.1f} s.")
        print("Each file works on its own: open it in a web browser, or email it.")
    else:
        print(f"Exported {len(result.pages)} pages ({edition}) to {shown}/ in {result.seconds:.1f} s.")
        print(f"Open {Path(shown) / 'index.html'} in a web browser, or copy the whole folder to a website or USB stick.")
    if org is None:
        print("No --org given: the pages use the US crisis resources and no organization's name or contact (see examples/org.yml).")
    return 0
