"""The map as a graph (networkx): circles in "member of", a chosen actor's neighbourhood
with a deterministic layout, and the paths from our side to a target.

Graphs are built from the few columns they need, read straight from the cursor: a map of
10,000 relationships is read in one query, never as 10,000 model objects. networkx (and
the numpy its layout needs) is imported when a graph is made, not in every worker.

What the actor page draws from the whole map (the neighbourhood's layout, the paths to a
target) is kept in each process between views, exact: it is used again only while
``map_generation`` — a number database triggers draw anew on every write to actors and
relationships (migration 0028) — is the one read before it was computed.
"""

import threading
from collections import OrderedDict
from itertools import islice

from amplify.actors.models import Actor, MapGeneration, Relationship
from amplify.db import database

NEIGHBOURS_SHOWN = 30  # the strongest ties of an actor drawn around it; the table lists them all
LAYOUT_SEED = 19  # same map, same picture
PATHS_SHOWN = 10
LONGEST_PATH = 4  # relationships between one of ours and the target
OURS = "__ours__"


KEPT = 512  # actors whose paths and picture a process keeps (a few hundred bytes each)
_kept, _kept_lock = OrderedDict(), threading.Lock()


def generation():
    """The number every write to actors or relationships replaces (one query)."""
    row = MapGeneration.select(MapGeneration.n).where(MapGeneration.id == 1).tuples().first()
    return row[0] if row else None


def kept(key, compute):
    """``compute()``, or what it gave for ``key`` at the current map generation."""
    now = generation()
    if now is None:  # no generation row: nothing can vouch for a kept copy
        return compute()
    with _kept_lock:
        found = _kept.get(key)
        if found and found[0] == now:
            _kept.move_to_end(key)
            return found[1]
    value = compute()
    with _kept_lock:
        _kept[key] = (now, value)
        _kept.move_to_end(key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value


def raw(query):
    """The rows of ``query`` as the driver gives them: ids need no conversion."""
    return database.execute(query).fetchall()


def member_of_reaches(campaign_id, start, goal):
    """Whether ``start`` is, directly or not, a member of ``goal``."""
    import networkx as nx

    members = nx.DiGraph(raw(Relationship.select(Relationship.from_actor, Relationship.to_actor)
                             .where((Relationship.campaign == campaign_id) & (Relationship.kind == "member_of"))))
    return start in members and goal in members and nx.has_path(members, start, goal)


# What a neighbour or a step of a path shows: its name, and whether it is one of ours.
NAMED = (Actor.id, Actor.name, Actor.kind)


def neighbourhood(actor):
    """``(relationships, positions)``: the actor's ties (strongest first), and an x, y in
    [0, 1] for the actor and the neighbours drawn — the same every time for the same map."""
    ties = list(Relationship.select().where((Relationship.from_actor == actor.id)
                                            | (Relationship.to_actor == actor.id)))
    other_ids = {row.to_actor_id if row.from_actor_id == actor.id else row.from_actor_id for row in ties}
    others = {found.id: found for found in Actor.select(*NAMED).where(Actor.id.in_(list(other_ids)))} if ties else {}
    for row in ties:
        row.other = others[row.to_actor_id if row.from_actor_id == actor.id else row.from_actor_id]
        row.outgoing = row.from_actor_id == actor.id
    ties.sort(key=lambda row: (-row.strength, row.other.name.casefold(), row.id))
    drawn = []
    for row in ties:
        if row.other.id not in drawn:
            drawn.append(row.other.id)
        if len(drawn) == NEIGHBOURS_SHOWN:
            break
    return ties, kept(("layout", actor.id), lambda: _layout(actor, drawn)), set(drawn)


def _layout(actor, drawn):
    import networkx as nx

    picture = nx.Graph()
    picture.add_node(actor.id)
    picture.add_nodes_from(sorted(drawn))
    picture.add_edges_from((actor.id, other) for other in drawn)
    if drawn:
        among = raw(Relationship.select(Relationship.from_actor, Relationship.to_actor)
                    .where(Relationship.from_actor.in_(drawn) & Relationship.to_actor.in_(drawn)))
        picture.add_edges_from(sorted(among))
    layout = nx.spring_layout(picture, seed=LAYOUT_SEED, center=(0.5, 0.5), scale=0.45) if drawn else {
        actor.id: (0.5, 0.5)}
    return {node: (float(x), float(y)) for node, (x, y) in layout.items()}


def door_openers(target):
    """Up to PATHS_SHOWN shortest chains of relationships from one of our organisations or
    movement activists to ``target``, shortest first, as lists of actor ids. An "opposes"
    tie opens no door, and a path does not run through another of ours (it would start there)."""
    return kept(("paths", target.id), lambda: _door_openers(target))


def _door_openers(target):
    import networkx as nx

    campaign_id = target.campaign_id
    edges = raw(Relationship.select(Relationship.from_actor, Relationship.to_actor)
                .where((Relationship.campaign == campaign_id) & (Relationship.kind != "opposes")))
    ours = [row for (row,) in raw(Actor.select(Actor.id).where(
        (Actor.campaign == campaign_id) & Actor.kind.in_(["organization", "activist"])))]
    reach = nx.Graph()
    reach.add_edges_from(sorted(edges))
    ours_set = set(ours)
    if target.id in ours_set or target.id not in reach:
        return []
    # One virtual start joined to all of ours: then the shortest paths from any of them come
    # out of one search, in order of length.
    reach.add_edges_from((OURS, node) for node in sorted(ours) if node in reach)
    if OURS not in reach:
        return []
    try:
        found = []
        for path in islice(nx.shortest_simple_paths(reach, OURS, target.id), PATHS_SHOWN * 4):
            if len(path) - 2 > LONGEST_PATH:
                break
            chain = path[1:]
            if any(node in ours_set for node in chain[1:]):
                continue  # starts again from another of ours: that shorter path is listed
            found.append(chain)
            if len(found) == PATHS_SHOWN:
                break
        return found
    except nx.NetworkXNoPath:
        return []
