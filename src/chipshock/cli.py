"""The `chipshock` command: list chapters and parameters, run a chapter, build the book."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from chipshock.data.cli import add_data_parser
from chipshock.errors import ExecutionError, UserError
from chipshock.params import merge_overrides, read_params_file
from chipshock.paths import find_project
from chipshock.pipeline.registry import CHAPTERS, get_chapter


def _cmd_chapters(args: argparse.Namespace) -> int:
    width = max(len(c.id) for c in CHAPTERS)
    for chapter in CHAPTERS:
        print(f"{chapter.id:<{width}}  {chapter.title}")
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    chapter = get_chapter(args.chapter)
    if args.cell:
        from chipshock.pipeline.notebook import parameters_cell_source

        print(parameters_cell_source(chapter.id, chapter.params))
        return 0
    defaults = chapter.params.to_plain(chapter.params.defaults())
    for p in chapter.params.params:
        default = defaults[p.name]
        shown = ",".join(map(str, default)) if isinstance(default, list) else default
        print(f"{p.name}  ({p.type}, default {shown})\n    {p.help}\n    allowed: {p.allowed()}")
    return 0


def _check_file_chapter(chapter_id: str, path: str, values: dict) -> None:
    """A parameters file written for another chapter is named as such, with the command to use."""
    unknown = sorted(set(values) - set(get_chapter(chapter_id).params.names()))
    owners = [c.id for c in CHAPTERS if c.id != chapter_id and set(values) <= set(c.params.names())]
    if unknown and owners:
        verb = "is not a parameter" if len(unknown) == 1 else "are not parameters"
        raise UserError(f"parameter file {path} is written for chapter '{owners[0]}', not '{chapter_id}' "
                        f"({', '.join(unknown)} {verb} of '{chapter_id}'): "
                        f"run `chipshock run {owners[0]} -f {path}`")


def _cmd_run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from chipshock.pipeline.assemble import check_out_folder, run_variant

    chapter = get_chapter(args.chapter)
    file_values = read_params_file(Path(args.file)) if args.file else {}
    if args.file:
        _check_file_chapter(chapter.id, args.file, file_values)
    values = chapter.params.resolve(merge_overrides(file_values, args.param or []))
    out = Path(args.out).resolve() if args.out else None
    if out is not None:
        check_out_folder(out)
    page = run_variant(find_project(), chapter, values, out)
    print(page)
    return 0


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"-j takes a whole number of chapters, not {value!r}") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError("-j takes 1 or more")
    return jobs


def _cmd_build(args: argparse.Namespace) -> int:
    from chipshock.pipeline.assemble import build, build_student

    project = find_project()
    index = (build_student(project, jobs=args.jobs) if args.student
             else build(project, force=args.force, jobs=args.jobs))
    print(index)
    return 0


def _assignment(chapter_id: str) -> Any:
    """The chapter's course assignment, or None."""
    from chipshock.teaching.assignments import ASSIGNMENTS

    match = [a for a in ASSIGNMENTS if a.chapter == chapter_id]
    return match[0] if match else None


def _cmd_assign(args: argparse.Namespace) -> int:
    from pathlib import Path

    from chipshock.teaching.answers import default_set
    from chipshock.teaching.assign import assign, read_roster, write_assignments

    chapter = get_chapter(args.chapter)
    a = _assignment(chapter.id)
    vary = [v.strip() for v in args.vary.split(",") if v.strip()] if args.vary is not None else (
        list(a.vary) if a else [])
    if not vary:
        raise UserError("--vary needs at least one parameter name (see `chipshock params CHAPTER`)")
    students = read_roster(Path(args.students))
    base = default_set(find_project(), a) if a else {}
    menus = {k: v for k, v in (a.vary if a else {}).items() if v is not None}
    constraints = [(c.text, c.holds) for c in a.constraints] if a else []
    sets = assign(chapter.params, students, vary, args.seed, base, menus, constraints)
    out = Path(args.out)
    write_assignments(chapter, sets, out, args.seed)
    print(out / "assignments.csv")
    return 0


def _cmd_course(args: argparse.Namespace) -> int:
    from pathlib import Path

    from chipshock.teaching.course import build_course

    if args.write_downloads:
        from chipshock.teaching.course import write_downloads

        for path in write_downloads(find_project()):
            print(path)
        return 0
    only = [c.strip() for c in args.only.split(",") if c.strip()] if args.only else None
    out = Path(args.out) if args.out else find_project().build_dir / "course"
    for built in build_course(out, only, find_project()):
        print(built.autograder)
    if args.check:
        from chipshock import outputs
        from chipshock.teaching.course import drawn_students, verify, write_answer_key

        students = drawn_students(find_project(), args.students, only)
        problems = verify(find_project(), out, only, students, timeout=args.timeout)
        if problems:
            raise ExecutionError("the autograders do not grade as they should:\n" + "\n".join(problems))
        print(f"every solution scores full marks and every blank notebook zero (the default assignment "
              f"and {args.students} drawn students)")
        print(write_answer_key(find_project(), out))
        outputs.seal(out, "course")
    return 0


def _cmd_grade(args: argparse.Namespace) -> int:
    from pathlib import Path

    from chipshock.teaching.course import grade, grade_all

    project = find_project()
    if args.all:
        if not args.roster or args.submission:
            raise UserError("--all SUBMISSIONS_DIR needs --roster FILE and no single notebook")
        path = grade_all(project, args.assignment, Path(args.all), Path(args.roster),
                         Path(args.assigned) if args.assigned else None, args.timeout,
                         Path(args.gradebook) if args.gradebook else None)
        print(path)
        return 0
    if not args.submission:
        raise UserError("give the notebook to grade, or --all SUBMISSIONS_DIR --roster FILE")
    params = Path(args.params) if args.params else None
    score = grade(project, args.assignment, Path(args.submission), params_file=params, timeout=args.timeout)
    print(score.report())
    return 0


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--timeout takes seconds, not {value!r}") from None
    if not seconds > 0:
        raise argparse.ArgumentTypeError("--timeout takes a positive number of seconds")
    return seconds


def _cmd_publish(args: argparse.Namespace) -> int:
    from pathlib import Path

    from chipshock.pipeline.publish import publish

    written = publish(find_project(), Path(args.out).resolve(), args.repository)
    print(f"{len(written)} executed notebooks published into {args.out}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="chipshock", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("chapters", help="list chapter ids and titles").set_defaults(func=_cmd_chapters)
    p = sub.add_parser("params", help="list a chapter's parameters")
    p.add_argument("chapter")
    p.add_argument("--cell", action="store_true", help="print the notebook's parameters cell instead")
    p.set_defaults(func=_cmd_params)
    r = sub.add_parser("run", help="execute one chapter with parameters and render it as a small book")
    r.add_argument("chapter")
    r.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="set a parameter (repeatable; lists are comma-separated)")
    r.add_argument("-f", "--file", help="YAML file of parameter values (see params/)")
    r.add_argument("--out", help="output folder (default variants/<id>-<hash of the parameters>)")
    r.set_defaults(func=_cmd_run)
    a = sub.add_parser("assign", help="give each student of a roster their own parameter set")
    a.add_argument("chapter")
    a.add_argument("--students", required=True, help="roster: one name or id per line")
    a.add_argument("--vary", help="comma-separated parameters to vary per student (default: the "
                   "chapter assignment's)")
    a.add_argument("--seed", type=int, default=0, help="random seed (same seed, same assignment)")
    a.add_argument("--out", required=True, help="new folder for the YAML files and assignments.csv")
    a.set_defaults(func=_cmd_assign)
    c = sub.add_parser("course", help="build the autograded assignments (`make course`)")
    c.add_argument("--out", help="output folder (default _build/course)")
    c.add_argument("--only", help="comma-separated assignments (chapter ids) to build")
    c.add_argument("--check", action="store_true",
                   help="then grade every solution (full marks) and blank notebook (zero)")
    c.add_argument("--students", type=int, default=0,
                   help="with --check: also for this many students drawn with `chipshock assign`")
    c.add_argument("--timeout", type=_timeout, default=600, help="seconds each graded notebook may run")
    c.add_argument("--write-downloads", action="store_true",
                   help="only write the downloadable student notebooks into book/assignments/")
    c.set_defaults(func=_cmd_course)
    g = sub.add_parser("grade", help="grade assignment notebooks and print (or write) the scores")
    g.add_argument("assignment", help="the assignment: a chapter id (see `chipshock chapters`)")
    g.add_argument("submission", nargs="?", help="the saved .ipynb to grade")
    g.add_argument("--params", help="the student's file from `chipshock assign`: refuse other parameters")
    g.add_argument("--all", metavar="SUBMISSIONS_DIR",
                   help="grade every roster student's <student>.ipynb in this folder into gradebook.csv")
    g.add_argument("--roster", help="with --all: the roster given to `chipshock assign`")
    g.add_argument("--assigned", help="with --all: the `chipshock assign --out` folder (each student's file)")
    g.add_argument("--gradebook",
                   help="with --all: where to write the CSV (default SUBMISSIONS_DIR/gradebook.csv)")
    g.add_argument("--timeout", type=_timeout, default=600,
                   help="seconds a notebook may run before it is stopped and scores zero (default 600)")
    g.set_defaults(func=_cmd_grade)
    pub = sub.add_parser("publish", help="tracked files plus executed notebooks, for the published branch")
    pub.add_argument("--out", required=True, help="folder to fill (replaced)")
    pub.add_argument("--repository", required=True, help="owner/name on GitHub, for the Colab setup cell")
    pub.set_defaults(func=_cmd_publish)
    b = sub.add_parser("build", help="execute stale chapters and build the whole book (`make book`)")
    b.add_argument("--force", action="store_true", help="rebuild the HTML even if nothing changed")
    b.add_argument("--student", action="store_true",
                   help="build the student edition, without exercise solutions, in _build/student/html")
    b.add_argument("-j", "--jobs", type=_jobs, default=os.cpu_count() or 1,
                   help="chapters executed at the same time (default: the machine's cores)")
    b.set_defaults(func=_cmd_build)
    add_data_parser(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"chipshock: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ExecutionError as exc:
        print(f"chipshock: failed: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
