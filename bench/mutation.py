"""Mutation benchmark: do the tests notice when the code that guards consent and access is
changed a little?

Each mutant is one small change to one module — a comparison flipped, ``and`` ↔ ``or``,
``&`` ↔ ``|``, a ``not`` removed, a constant changed, a statement replaced by ``pass`` —
run against the tests that execute the changed statement (found once by tracing the suite,
cached in ``bench/.mutation-coverage/``). A mutant is *killed* when one of them fails.

The mutant is applied in this process, not on disk: a function's code object is swapped
(every reference to the function sees it), a module-level name is rebound; the original is
put back after each run. Code that runs only at import time cannot be mutated this way and
is counted under "not run by any test" when no test executes it.

    nice .venv/bin/python bench/mutation.py --module consent/clearance.py
    nice .venv/bin/python bench/mutation.py --all           # every module below
    nice .venv/bin/python bench/mutation.py --module chain.py --tests tests/test_chain_splice.py

Prints killed/total per module and every survivor as file:line with the change.
"""

import argparse
import ast
import contextlib
import copy
import hashlib
import importlib
import io
import json
import signal
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
import werkzeug.local

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "amplify"
MODULES = ["consent/clearance.py", "consent/ledger.py", "chain.py", "security.py", "media/scrub.py",
           "platforms.py"]
CACHE = Path(__file__).resolve().parent / ".mutation-coverage"
# The tests traced for each module (the suite is too slow to trace whole on a shared
# 2-core machine; --tests widens it). A mutant runs only against the traced tests that
# execute its statement.
TESTS = {
    "consent/clearance.py": ["tests/test_clearance_rules.py", "tests/test_consent.py", "tests/test_protection.py",
                             "tests/test_faces.py", "tests/test_press.py"],
    "consent/ledger.py": ["tests/test_ledger_over_time.py", "tests/test_consent.py",
                          "tests/test_review_page.py"],
    "chain.py": ["tests/test_chain_splice.py", "tests/test_audit.py", "tests/test_consent.py",
                 "tests/test_ledger_checkpoints.py", "tests/test_instance_keys.py", "tests/test_erasure.py"],
    "security.py": ["tests/test_permission_matrix.py", "tests/test_security_headers.py",
                    "tests/test_security.py", "tests/test_auth.py"],
    "media/scrub.py": ["tests/test_scrub_formats.py", "tests/test_media_scrub.py", "tests/test_media.py"],
    "platforms.py": ["tests/test_platforms.py", "tests/test_drafting.py", "tests/test_composer.py"],
}
# A mutant that loops forever is stopped after this much processor time and counted as
# killed (--timeout: the platforms' tests take seconds, so a shorter limit there saves
# minutes per looping mutant).
PER_MUTANT_SECONDS = 300


# Mutations ------------------------------------------------------------------------------

SWAP_COMPARE = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE,
                ast.GtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
SWAP_BINOP = {ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd, ast.Add: ast.Sub, ast.Sub: ast.Add,
              ast.Mult: ast.FloorDiv}
SYMBOL = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
          ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.BitAnd: "&",
          ast.BitOr: "|", ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//",
          ast.And: "and", ast.Or: "or"}


def mutations(tree):
    """``[(node, description, line, apply)]``: ``apply(copy of node)`` changes it in place
    or returns the node to put in its place."""
    found = []
    skipped_strings = _not_mutated_strings(tree)

    def add(node, description, apply):
        found.append((node, description, node.lineno, apply))

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for index, op in enumerate(node.ops):
                if type(op) in SWAP_COMPARE:
                    new = SWAP_COMPARE[type(op)]
                    add(node, f"{SYMBOL[type(op)]} → {SYMBOL[new]}",
                        lambda n, i=index, new=new: n.ops.__setitem__(i, new()))
        elif isinstance(node, ast.BoolOp):
            new = ast.Or if isinstance(node.op, ast.And) else ast.And
            add(node, f"{SYMBOL[type(node.op)]} → {SYMBOL[new]}", lambda n, new=new: setattr(n, "op", new()))
            for index in range(len(node.values)):
                add(node, f"operand {index + 1} of {SYMBOL[type(node.op)]} dropped",
                    lambda n, i=index: _drop_operand(n, i))
        elif isinstance(node, ast.BinOp) and type(node.op) in SWAP_BINOP:
            new = SWAP_BINOP[type(node.op)]
            add(node, f"{SYMBOL[type(node.op)]} → {SYMBOL[new]}", lambda n, new=new: setattr(n, "op", new()))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            add(node, "not removed", lambda n: _become(n, n.operand))
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            add(node, f"{node.value} → {not node.value}", lambda n: setattr(n, "value", not n.value))
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            add(node, f"{node.value} → {node.value + 1}", lambda n: setattr(n, "value", n.value + 1))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value \
                and node not in skipped_strings:
            add(node, f"{node.value[:20]!r} → 'XX'", lambda n: setattr(n, "value", "XX"))
        elif isinstance(node, (ast.If, ast.While)):
            add(node, "condition negated", lambda n: setattr(n, "test", ast.UnaryOp(ast.Not(), n.test)))
        if isinstance(node, (ast.Expr, ast.Assign, ast.AugAssign, ast.Return, ast.Raise, ast.If, ast.For,
                             ast.With, ast.Try, ast.Delete)) \
                and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            add(node, "statement deleted", lambda n: ast.Pass())
    return found


def _drop_operand(node, index):
    if len(node.values) > 2:
        del node.values[index]
    else:
        _become(node, node.values[1 - index])


def _become(node, other):
    """Turn ``node`` into ``other`` in place (the parent keeps pointing at ``node``)."""
    node.__class__ = other.__class__
    node.__dict__.clear()
    node.__dict__.update(other.__dict__)


def _not_mutated_strings(tree):
    """Docstrings, and messages for people (``_l("…")``, ``_("…")``): a changed message
    is a wording question for the translation tests, not a change of behaviour."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(first.value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("_", "_l", "gettext", "lazy_gettext", "ngettext"):
            skipped.update(arg for arg in node.args if isinstance(arg, ast.Constant))
    return skipped


def mutant_source(tree, target, apply):
    """The module's source with ``apply`` done to ``target`` (a statement deletion puts
    ``pass`` in its place)."""
    mutated = copy.deepcopy(tree)
    originals = list(ast.walk(tree))
    copies = list(ast.walk(mutated))
    node = copies[originals.index(target)]
    replacement = apply(node)
    if replacement is not None:
        _become(node, replacement)
    return ast.unparse(ast.fix_missing_locations(mutated))


# Where a mutant lives and how it is put in place ---------------------------------------------

def parents(tree):
    found = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            found[child] = node
    return found


def owner(tree, node):
    """``(kind, qualified name)``: the outermost function at module or class level that
    holds ``node`` ("function"), or the module- or class-level statement ("name")."""
    up = parents(tree)
    chain = [node]
    while chain[-1] in up:
        chain.append(up[chain[-1]])
    chain.reverse()  # module first
    names = []
    for holder in chain[1:]:
        if isinstance(holder, ast.ClassDef):
            names.append(holder.name)
        elif isinstance(holder, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.append(holder.name)
            return "function", ".".join(names)
        else:
            return "name", (".".join(names), _bound_names(holder))
    return "name", ("", [])


def statement_lines(tree, node):
    """Lines of the statement that holds ``node``: the lines a test must run."""
    up = parents(tree)
    current = node
    while not isinstance(current, ast.stmt) and current in up:
        current = up[current]
    return range(current.lineno, (current.end_lineno or current.lineno) + 1)


def derived_names(tree, names):
    """Module-level names whose value is computed, at import, from ``names`` (a pattern
    compiled from a string): rebound with them, or the mutant would never reach a test."""
    uses = {}
    for statement in tree.body:
        for bound in _bound_names(statement):
            uses[bound] = {n.id for n in ast.walk(statement.value) if isinstance(n, ast.Name)}
    found, changed = set(names), True
    while changed:
        changed = False
        for bound, read in uses.items():
            if bound not in found and read & found:
                found.add(bound)
                changed = True
    return sorted(found - set(names))


def _bound_names(statement):
    if isinstance(statement, ast.Assign):
        return [t.id for t in statement.targets if isinstance(t, ast.Name)]
    if isinstance(statement, (ast.AnnAssign, ast.AugAssign)) and isinstance(statement.target, ast.Name):
        return [statement.target.id]
    return []


def unwrap(value):
    for attribute in ("__func__", "fget", "__wrapped__"):
        while hasattr(value, attribute):
            value = getattr(value, attribute)
    return value


def lookup(namespace, dotted):
    value = namespace
    for part in dotted.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


class Patch:
    """Put one mutant in place in the imported module, and take it out again."""

    def __init__(self, module, source, kind, where):
        self.module, self.undo = module, []
        fresh = {"__name__": module.__name__, "__file__": module.__file__, "__package__": module.__package__}
        exec(compile(source, module.__file__, "exec"), fresh)  # noqa: S102 - the mutant, on purpose
        if kind == "function":
            original = unwrap(lookup(vars(module), where))
            replacement = unwrap(lookup(fresh, where))
            if original.__code__.co_freevars != replacement.__code__.co_freevars:
                raise NotApplicable("its closure changes")
            self.undo.append(lambda code=original.__code__: setattr(original, "__code__", code))
            original.__code__ = replacement.__code__
        else:
            holder_name, names = where
            if not names:
                raise NotApplicable("a statement run only at import time")
            holder = lookup(vars(module), holder_name) if holder_name else module
            fresh_holder = lookup(fresh, holder_name) if holder_name else None
            for name in names:
                self.undo.append(lambda n=name, v=getattr(holder, name): setattr(holder, n, v))
                source_of_value = vars(fresh_holder) if fresh_holder is not None else fresh
                if name in source_of_value:
                    setattr(holder, name, source_of_value[name])
                else:  # the assignment was deleted: the name is gone
                    delattr(holder, name)
        clear_caches(module)

    def restore(self):
        for step in reversed(self.undo):
            step()
        clear_caches(module=self.module)


def clear_caches(module):
    """Forget what the module's cached functions (``functools.cache``, ``lru_cache``)
    answered: an answer kept from before the mutant (or from the mutant, after it) would
    hide it."""
    for value in list(vars(module).values()):
        if isinstance(value, werkzeug.local.LocalProxy):  # current_app, g, request: not ours
            continue
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            clear()


class NotApplicable(Exception):
    pass


# Which tests run which lines --------------------------------------------------------------

class LineTracer:
    """A pytest plugin: for each test, the lines of the target files it runs."""

    def __init__(self, files, module=None):
        self.files = set(files)
        self.module = module  # its cached functions are emptied before each test
        self.current = None
        self.lines = defaultdict(set)

    def _global(self, frame, event, arg):
        return self._local if frame.f_code.co_filename in self.files else None

    def _local(self, frame, event, arg):
        if event == "line" and self.current:
            self.lines[f"{frame.f_code.co_filename}:{frame.f_lineno}"].add(self.current)
        return self._local

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self.current = item.nodeid
        if self.module is not None:  # else a cached answer hides which tests run a line
            clear_caches(self.module)
        threading.settrace(self._global)
        sys.settrace(self._global)
        yield
        sys.settrace(None)
        threading.settrace(None)
        self.current = None


def trace_suite(module, tests):
    tracer = LineTracer([str(PACKAGE / module)],
                        importlib.import_module("amplify." + module[:-3].replace("/", ".")))
    started = time.monotonic()
    with quiet():
        pytest.main(["-q", "-p", "no:cacheprovider", *tests], plugins=[tracer])
    data = {"tests": tests, "source": source_hash(module), "seconds": round(time.monotonic() - started),
            "lines": {key: sorted(value) for key, value in tracer.lines.items()}}
    CACHE.mkdir(exist_ok=True)
    cache_file(module).write_text(json.dumps(data))
    return data


def source_hash(module):
    """The traced lines are only right for the source they were traced on."""
    return hashlib.sha256((PACKAGE / module).read_bytes()).hexdigest()


def cache_file(module):
    return CACHE / (module.replace("/", "-") + ".json")


@contextlib.contextmanager
def quiet():
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        yield out


# Running -----------------------------------------------------------------------------------

class TimedOut(BaseException):
    """Not an Exception: a test framework (Hypothesis, shrinking) must not catch it and run on."""


def run_tests(nodeids):
    """True when the tests all pass (the mutant survives)."""
    def stop(signum, frame):
        raise TimedOut()

    # Processor time, not the clock's: a run paused (SIGSTOP) or slowed by a busy machine is
    # not stopped early; a mutant that loops forever still is.
    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, PER_MUTANT_SECONDS, 1)  # then every second until the run stops
    try:
        with quiet():
            code = pytest.main(["-x", "-q", "-p", "no:cacheprovider", *nodeids])
    except TimedOut:
        return False
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
    return code == 0


def order(nodeids, module):
    """The module's own test file first: most mutants die there, quickly."""
    stem = Path(module).stem
    return sorted(nodeids, key=lambda nodeid: (stem not in nodeid.split("::")[0], nodeid))


def mutate_module(module, coverage, limit=None):
    path = PACKAGE / module
    source = path.read_text()
    tree = ast.parse(source)
    name = "amplify." + module[:-3].replace("/", ".")
    imported = importlib.import_module(name)
    results = {"killed": 0, "survived": [], "not_run": [], "not_applicable": [], "total": 0}
    candidates = mutations(tree)
    if limit:
        candidates = candidates[:limit]
    started = time.monotonic()
    for number, (target, description, line, apply) in enumerate(candidates, start=1):
        try:
            mutated_source = mutant_source(tree, target, apply)
            compile(mutated_source, str(path), "exec")
        except (SyntaxError, ValueError, IndexError, TypeError):
            continue  # not a program: not a mutant
        if mutated_source == ast.unparse(tree):
            continue
        results["total"] += 1
        kind, where = owner(tree, target)
        covering = set()
        if kind == "name":  # a module-level value: read by any test that runs the module
            covering = set().union(*coverage["lines"].values()) if coverage["lines"] else set()
        for covered in statement_lines(tree, target):
            covering.update(coverage["lines"].get(f"{path}:{covered}", ()))
        label = f"amplify/{module}:{line} {description}"
        if not covering:
            results["not_run"].append(label)
            continue
        if kind == "name" and not where[0]:  # and the module-level names computed from it
            where = ("", where[1] + derived_names(tree, where[1]))
        try:
            patch = Patch(imported, mutated_source, kind, where)
        except NotApplicable as why:
            results["not_applicable"].append(f"{label} ({why})")
            continue
        except Exception as error:  # the mutant breaks at import: any test would notice
            results["killed"] += 1
            print(f"  [{number}/{len(candidates)}] {label}: killed at import ({type(error).__name__})", flush=True)
            continue
        try:
            survived = run_tests(order(covering, module))
        finally:
            patch.restore()
        if survived:
            results["survived"].append(label)
        else:
            results["killed"] += 1
        print(f"  [{number}/{len(candidates)}] {label}: {'SURVIVED' if survived else 'killed'} "
              f"({len(covering)} tests)", flush=True)
    results["seconds"] = round(time.monotonic() - started)
    return results


def report(module, results):
    total, killed = results["total"], results["killed"]
    tested = total - len(results["not_applicable"])
    print(f"\n{module}: killed {killed}/{tested} ({100 * killed / max(tested, 1):.0f} %) in {results['seconds']} s; "
          f"{len(results['not_run'])} on lines no test runs, {len(results['not_applicable'])} not applicable")
    for label in results["survived"]:
        print(f"  survived: {label}")
    for label in results["not_run"]:
        print(f"  no test runs: {label}")
    for label in results["not_applicable"]:
        print(f"  not applicable: {label}")


def main():
    global PER_MUTANT_SECONDS  # noqa: PLW0603 — the limit run_tests() reads
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", choices=MODULES, help="a module to mutate (repeatable)")
    parser.add_argument("--all", action="store_true", help="every module")
    parser.add_argument("--tests", nargs="*", help="test files to trace instead of the module's own list")
    parser.add_argument("--refresh-coverage", action="store_true", help="trace the suite again")
    parser.add_argument("--limit", type=int, help="only the first N mutants of each module (a smoke run)")
    parser.add_argument("--timeout", type=int, default=PER_MUTANT_SECONDS,
                        help=f"seconds before a mutant's run is stopped and counted as killed (default {PER_MUTANT_SECONDS})")
    args = parser.parse_args()
    PER_MUTANT_SECONDS = args.timeout
    modules = MODULES if args.all else (args.module or [])
    if not modules:  # `make bench` runs every script: this one takes minutes per module
        print("mutation.py: skipped — name a --module or say --all (see bench/README.md)")
        return
    sys.path.insert(0, str(ROOT))
    for module in modules:
        print(f"\n== amplify/{module}", flush=True)
        tests = args.tests or TESTS[module]
        cached = json.loads(cache_file(module).read_text()) if cache_file(module).exists() else None
        if (args.refresh_coverage or cached is None or cached["tests"] != tests
                or cached.get("source") != source_hash(module)):
            print(f"tracing {' '.join(tests)} to find which tests run which lines…", flush=True)
            cached = trace_suite(module, tests)
            print(f"traced in {cached['seconds']} s", flush=True)
        report(module, mutate_module(module, cached, args.limit))


if __name__ == "__main__":
    main()
