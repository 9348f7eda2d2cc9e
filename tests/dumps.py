"""Made-up saved-page dumps in the shapes real pages take (never corpus text)."""

from __future__ import annotations

FERRY_DUMP = """\
Harbour council approves new ferry timetable after long debate
Harbour council approves new ferry timetable after long debate
Sign InRegister
Menu
by Lowmoor Gazette14 March 2024
Ferries wait at the harbour wall in Lowmoor on Tuesday. BEN WICK/Pool via NORTHWIRE

LOWMOOR (Northwire) -The harbour council approved a new ferry timetable on Wednesday after a debate that lasted \
more than six hours, ending months of argument between operators and residents.

The new timetable adds two early crossings on weekdays and moves the last evening ferry to half past ten, the \
council said in a statement published after the vote.

Residents who commute to the mainland had asked for the change for years, saying the old times forced them to \
leave home before dawn and return after their children were asleep.

Operators warned that the extra crossings would raise costs, but said they would keep fares unchanged until the \
end of the year while they studied passenger numbers.

(Reporting by Ada Quill; additional reporting by Ben Wick; Editing by Tom Reeve)

Related Topics
Most Read
"""

BRIDGE_DUMP = """\
Old stone bridge reopens to walkers after two years of repairs
Old stone bridge reopens to walkers after two years of repairs
by Valley Courier02 April 2024

The old stone bridge over the river reopened to walkers on Monday after two years of repairs that replaced \
almost every stone in its three arches.

Engineers said the work had been slowed by floods in both winters, which twice washed away the scaffolding \
that held the arches while the mortar set.

The town plans a small celebration at the bridge next weekend, with music from the school band and stalls \
selling food from local farms.
"""
