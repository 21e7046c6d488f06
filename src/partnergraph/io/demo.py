"""Build the demo network shipped with partnergraph: fictional organisations, synthetic people.

Every organisation below is invented (some are set in real cities or regions, none is a real
body), and people are random mixes of names from many cultures. The network is deterministic:
the same rows on every call and in every process.
"""

from __future__ import annotations

import random
from datetime import date

from partnergraph.io.demo_events import add_events
from partnergraph.io.generate import ISSUES, NetworkBuilder, Org, Rows, pick_issues, slug
from partnergraph.model import RelType
from partnergraph.schema import OFFERS

DEMO_SEED = 2026
DEMO_PEOPLE = 400
DEMO_TIES = 1500  # KNOWS plus HOLDS
DEMO_ISSUES = 10
DEMO_NOTE = "Illustrative demo data: every organisation, person and tie in this network is fictional."

# Name, type, country. Exactly one foundation; places are fictional.
AFFILIATES: tuple[tuple[str, str, str], ...] = (
    ("Global Free Knowledge Foundation", "foundation", "US"),
    ("Wikimedia Norvaland", "chapter", "SE"),
    ("Wikimedia Castelmar", "chapter", "ES"),
    ("Wikimedia Dravonia", "chapter", "PL"),
    ("Wikimedia Lindmark", "chapter", "DE"),
    ("Wikimedia Kesra Coast", "chapter", "KE"),
    ("Wikimedia Amanora", "chapter", "GH"),
    ("Wikimedia Sundara", "chapter", "IN"),
    ("Wikimedia Haruka Islands", "chapter", "JP"),
    ("Wikimedia Serra Azul", "chapter", "BR"),
    ("Wikimedia Valle Alto", "chapter", "CO"),
    ("Wikimedia Qasr al-Nour", "chapter", "JO"),
    ("Wikimedia Great Pines", "chapter", "CA"),
    ("Wikimedia Tasman Reach", "chapter", "NZ"),
    ("Wikimedians of Port Amani User Group", "user_group", "TZ"),
    ("Wikimedians of Bendeka User Group", "user_group", "NG"),
    ("Wikimedians of Kivuli User Group", "user_group", "RW"),
    ("Wikimedians of Santa Lucerna User Group", "user_group", "MX"),
    ("Wikimedians of Puerto Celeste User Group", "user_group", "CL"),
    ("Wikimedians of Bahía Coral User Group", "user_group", "CU"),
    ("Wikimedians of Wadi Zahra User Group", "user_group", "EG"),
    ("Wikimedians of Pulau Senja User Group", "user_group", "ID"),
    ("Wikimedians of Himalvale User Group", "user_group", "NP"),
    ("Wikimedians of Mabuhay Cove User Group", "user_group", "PH"),
    ("Wikimedians of Eastfold User Group", "user_group", "GB"),
    ("Wikimedians of Southern Reef User Group", "user_group", "AU"),
    ("Wikimedians of Prairie Crossing User Group", "user_group", "US"),
    ("Wiki Libraries Commons Network", "thematic_org", "NL"),
    ("Free Heritage Photographers", "thematic_org", "FR"),
    ("Wiki Educators Circle", "thematic_org", "ZA"),
    ("Women in Free Knowledge Collective", "thematic_org", "AR"),
)

# Name, type, country, issues (without the "issue-" prefix). Fictional, across all regions.
PARTNERS: tuple[tuple[str, str, str, str], ...] = (
    # Europe
    ("Nordic Digital Rights Forum", "ngo", "SE", "privacy intermediary-liability"),
    ("Lindenbaum Public Domain Society", "ngo", "DE", "public-domain copyright-reform"),
    ("Rhineland Open Archives", "glam", "DE", "public-domain open-data"),
    ("Musée Numérique des Deux Rives", "glam", "FR", "freedom-of-panorama public-domain"),
    ("Biblioteca Civica Digitale di Montalto", "glam", "IT", "public-domain open-access"),
    ("Vistula Open Science Initiative", "academic", "PL", "open-access text-and-data-mining"),
    ("Tagus Institute for Copyright Studies", "academic", "PT", "copyright-reform"),
    ("Harbour City Open Data Office", "government", "EE", "open-data"),
    ("Panorama Freedom Coalition", "coalition", "BE", "freedom-of-panorama copyright-reform"),
    ("Open Schoolbooks Network Iberia", "coalition", "ES", "open-education"),
    ("Danube Heritage Photo Archive", "glam", "AT", "freedom-of-panorama public-domain"),
    ("Lakeland Open Education Lab", "academic", "FI", "open-education open-access"),
    ("Canal District Data Cooperative", "company", "NL", "open-data"),
    ("Balkan Media Freedom Network", "ngo", "RS", "intermediary-liability access-to-knowledge"),
    ("Dnipro Digital Library Project", "glam", "UA", "access-to-knowledge public-domain"),
    ("Vltava Open Research Consortium", "academic", "CZ", "open-access"),
    ("Eastfold Municipal Archive Board", "government", "GB", "public-domain open-data"),
    ("Northern Lights Publishing House", "company", "NO", "text-and-data-mining copyright-reform"),
    # Africa
    ("Open Culture Trust of Accra", "ngo", "GH", "copyright-reform public-domain"),
    ("Lagoon City Free Knowledge Hub", "ngo", "NG", "access-to-knowledge open-education"),
    ("Savannah Digital Rights Collective", "ngo", "KE", "privacy intermediary-liability"),
    ("Lakeside Community Libraries Network", "glam", "UG", "access-to-knowledge"),
    ("Cape Peninsula Heritage Archive", "glam", "ZA", "freedom-of-panorama public-domain"),
    ("Dakar Institute for Open Scholarship", "academic", "SN", "open-access"),
    ("Highlands Open Data Initiative", "ngo", "ET", "open-data"),
    ("Hill Country Education Board", "government", "RW", "open-education"),
    ("Ubuntu Open Access Coalition", "coalition", "ZA", "open-access open-education"),
    ("Swahili Coast Heritage Museum", "glam", "TZ", "freedom-of-panorama"),
    ("Littoral Copyright Law Clinic", "academic", "CM", "copyright-reform"),
    ("Lagunes Creative Makers", "company", "CI", "copyright-reform open-data"),
    ("Zambezi Open Textbooks Project", "ngo", "ZM", "open-education"),
    ("Sahel Oral Traditions Archive", "glam", "SN", "public-domain access-to-knowledge"),
    # Asia
    ("Deccan Free Knowledge Circle", "ngo", "IN", "access-to-knowledge copyright-reform"),
    ("Valley Temples Digital Archive", "glam", "NP", "public-domain"),
    ("Delta Open Textbook Alliance", "coalition", "BD", "open-education"),
    ("Bayside Privacy Watch", "ngo", "PH", "privacy"),
    ("Archipelago Open Data Lab", "academic", "ID", "open-data text-and-data-mining"),
    ("Old Capital Classical Texts Library", "glam", "JP", "public-domain text-and-data-mining"),
    ("Hangang Creators Rights Forum", "ngo", "KR", "copyright-reform"),
    ("Lanka Heritage Photography Trust", "glam", "LK", "freedom-of-panorama"),
    ("Straits Open Science Institute", "academic", "MY", "open-access"),
    ("Formosa Civic Tech Guild", "ngo", "TW", "open-data intermediary-liability"),
    ("Indus Digital Freedom Network", "ngo", "PK", "intermediary-liability privacy"),
    ("Red River Open Education Office", "government", "VN", "open-education"),
    ("Western Ghats Library Digitisation Unit", "glam", "IN", "public-domain access-to-knowledge"),
    ("Lion City Open Access Publishers", "company", "SG", "open-access text-and-data-mining"),
    # Latin America & Caribbean
    ("Biblioteca Digital del Sur", "glam", "AR", "public-domain open-access"),
    ("Coletivo Cultura Livre do Nordeste", "ngo", "BR", "copyright-reform freedom-of-panorama"),
    ("Instituto de Datos Abiertos del Altiplano", "ngo", "CO", "open-data"),
    ("Red Andina de Educación Abierta", "coalition", "PE", "open-education"),
    ("Museo de la Memoria Visual del Pacífico", "glam", "CL", "freedom-of-panorama public-domain"),
    ("Centro de Estudios sobre Acceso Abierto del Plata", "academic", "UY", "open-access"),
    ("Archivo Histórico Digital de la Sierra", "glam", "MX", "public-domain"),
    ("Frente por la Privacidad Digital", "ngo", "MX", "privacy intermediary-liability"),
    ("Caribbean Open Heritage Network", "coalition", "JM", "freedom-of-panorama access-to-knowledge"),
    ("Island Creative Sector Council", "government", "TT", "copyright-reform"),
    ("Biblioteca Comunitaria del Valle", "glam", "BO", "access-to-knowledge"),
    ("Editora Livre Atlântica", "company", "BR", "open-access text-and-data-mining"),
    # Middle East & North Africa
    ("Cedar Coast Digital Heritage Collective", "glam", "LB", "public-domain freedom-of-panorama"),
    ("Nile Valley Open Access Network", "coalition", "EG", "open-access"),
    ("Carthage Digital Rights Watch", "ngo", "TN", "privacy intermediary-liability"),
    ("Jordan Valley Open Education Forum", "ngo", "JO", "open-education access-to-knowledge"),
    ("Atlantic Coast Cinema Archive", "glam", "MA", "copyright-reform public-domain"),
    ("Atlas Institute for Internet Law", "academic", "MA", "intermediary-liability copyright-reform"),
    ("Gulf Open Data Office", "government", "AE", "open-data"),
    ("Casbah Manuscripts Library", "glam", "DZ", "public-domain"),
    ("Two Rivers Heritage Digitisation Project", "ngo", "IQ", "access-to-knowledge public-domain"),
    # North America
    ("Great Lakes Open Access Consortium", "coalition", "US", "open-access"),
    ("Cascadia Library Commons", "glam", "US", "open-access public-domain"),
    ("Northfield Institute for Information Policy", "academic", "US", "copyright-reform text-and-data-mining"),
    ("Saint Lawrence Open Culture Cooperative", "company", "CA", "open-data copyright-reform"),
    ("Prairie Digital Rights Association", "ngo", "CA", "privacy intermediary-liability"),
    ("Riverton Municipal Open Data Office", "government", "US", "open-data"),
    ("Free Textbook Alliance of the Americas", "coalition", "US", "open-education"),
    # Oceania
    ("Tasman Open Heritage Trust", "glam", "NZ", "public-domain freedom-of-panorama"),
    ("Southern Cross Digital Rights Council", "ngo", "AU", "privacy intermediary-liability"),
    ("Pacific Islands Knowledge Commons", "coalition", "FJ", "access-to-knowledge"),
    ("Coral Coast University Press", "academic", "AU", "open-access"),
    ("Polynesian Language Archive", "glam", "WS", "public-domain access-to-knowledge"),
    ("Highlands Education Resource Office", "government", "PG", "open-education"),
)

# The stories the demo tells, by partner name.
STATUS = {
    "Northern Lights Publishing House": "dormant",
    "Atlantic Coast Cinema Archive": "dormant",
    "Gulf Open Data Office": "prospective",
    "Coral Coast University Press": "prospective",
    "Island Creative Sector Council": "prospective",
}
# Digital-rights groups in difficult places stay out of the public directory.
NOT_PUBLIC = ("Savannah Digital Rights Collective", "Carthage Digital Rights Watch",
              "Indus Digital Freedom Network")
NO_HOLDER = ("Coral Coast University Press",)
SINGLE_HOLDER = ("Biblioteca Digital del Sur", "Open Culture Trust of Accra", "Nordic Digital Rights Forum")
# The one person holding this partner has not been in touch for well over a year.
STALE_HOLD = "Open Culture Trust of Accra"
STALE_LAST_CONTACT = "2024-09-12"
# A person whose memberships span two regions: an African chapter and a European network.
BRIDGE = ("Wikimedia Kesra Coast", "Wiki Libraries Commons Network")
PERSONAL_NOTE = "Personal: on parental leave until 2027-02; prefers not to be phoned at home."

# What partners offer (schema.OFFERS), by type: two of these, sometimes one more of the vocabulary.
TYPE_OFFERS = {
    "ngo": ("campaigning", "policy research", "legal expertise", "networking"),
    "glam": ("data", "venues", "events", "training"),
    "academic": ("policy research", "training", "data", "legal expertise"),
    "government": ("data", "funding", "venues"),
    "coalition": ("networking", "campaigning", "events"),
    "company": ("technology", "funding", "media access"),
}
# A few offers in the partners' own words (kept as written: the vocabulary only suggests).
FREE_OFFERS = {"Littoral Copyright Law Clinic": "pro bono copyright clinics",
               "Polynesian Language Archive": "oral history recordings"}
# Affiliates without a role address: the directory shows their website instead.
NO_PUBLIC_EMAIL = ("Wikimedians of Himalvale User Group", "Wikimedians of Eastfold User Group")
# Held partners left without a contact of record, so that risks has some to list.
NO_RECORD_EVERY = 6
# A contact of record whose hold has ended (the month of its last contact): no one has been named
# in their place yet.
ENDED_RECORD = "Deccan Free Knowledge Circle"


def _orgs(rng: random.Random) -> list[Org]:
    issue_ids = [issue_id for issue_id, _, _ in ISSUES[:DEMO_ISSUES]]
    weights = [weight for _, _, weight in ISSUES[:DEMO_ISSUES]]
    orgs = []
    for name, kind, country in AFFILIATES:
        count = 5 if kind == "foundation" else 1 + int(rng.random() * 3)
        orgs.append(Org("affiliate", name, kind, country, pick_issues(rng, issue_ids, weights, count),
                        notes=DEMO_NOTE if kind == "foundation" else ""))
    for name, kind, country, issues in PARTNERS:
        orgs.append(Org(
            "partner", name, kind, country, tuple(f"issue-{issue}" for issue in issues.split()),
            status=STATUS.get(name, "active"), public="false" if name in NOT_PUBLIC else "true",
        ))
    return orgs


def demo_network(today: date | None = None) -> tuple[Rows, Rows]:
    """Return the demo network as (element rows, connection rows) in the import format.

    Its events are dated from the first day of `today`'s month (default: the clock's), so the
    upcoming ones stay upcoming; everything else is the same whenever it is built.
    """
    rng = random.Random(DEMO_SEED)
    builder = NetworkBuilder(rng, _orgs(rng), DEMO_ISSUES)
    index = {org.name: i for i, org in enumerate(builder.orgs)}
    builder.add_partnerships()
    builder.add_people(DEMO_PEOPLE)

    home, away = (index[name] for name in BRIDGE)
    bridge = next(p for p, org in enumerate(builder.primary) if org == home and len(builder.circles[p]) == 1)
    builder.add_membership(bridge, away, "volunteer", "2022-05")
    builder.contacts[0]["notes"] = PERSONAL_NOTE

    counts = builder.holder_counts()
    for n, p in enumerate(builder.partners):
        name = builder.orgs[p].name
        if name in NO_HOLDER:
            counts[n] = 0
        elif name in SINGLE_HOLDER:
            counts[n] = 1
    holds = builder.add_holds(counts)
    stale = builder.orgs[index[STALE_HOLD]].id
    for row in builder.connections:
        if row["type"] == RelType.HOLDS.value and row["to"] == stale:
            row.update(since="2018-06", last_contact=STALE_LAST_CONTACT)
    builder.add_knows(DEMO_TIES - holds)
    elements, connections = builder.rows()
    _directory_facts(elements, connections)
    add_events(elements, connections, today or date.today())
    return elements, connections


def _directory_facts(elements: Rows, connections: Rows) -> None:
    """Add what the directory shows: offers, role addresses, contacts of record.

    Drawn from a generator of its own, after the network is built, so that every id, name and
    tie of the network stays what it was before these facts existed.
    """
    rng = random.Random(DEMO_SEED + 16)
    for row in elements:
        if row["kind"] == "affiliate" and row["name"] not in NO_PUBLIC_EMAIL:
            row["public_email"] = f"partnerships@{slug(row['name'])[:50].strip('-')}.example.org"
        elif row["kind"] == "partner":
            typical = TYPE_OFFERS.get(row["type"], OFFERS[:3])
            offers = rng.sample(typical, 2) + ([rng.choice(OFFERS)] if rng.random() < 0.4 else [])
            if row["name"] in FREE_OFFERS:
                offers.append(FREE_OFFERS[row["name"]])
            row["offers"] = ";".join(dict.fromkeys(offers))
            row["looks_for"] = ";".join(rng.sample([o for o in OFFERS if o not in offers], 2))
    kinds = {row["id"]: row["kind"] for row in elements}
    members: dict[str, set[str]] = {}
    for row in connections:
        if row["type"] == RelType.MEMBER_OF.value and not row["until"] and kinds.get(row["to"]) == "affiliate":
            members.setdefault(row["from"], set()).add(row["to"])
    names = {row["id"]: row["name"] for row in elements}
    held: dict[str, list[dict[str, str]]] = {}
    for row in connections:
        if row["type"] == RelType.HOLDS.value:
            held.setdefault(row["to"], []).append(row)
    for n, partner in enumerate(sorted(held)):
        if n % NO_RECORD_EVERY == NO_RECORD_EVERY - 1 and names[partner] not in SINGLE_HOLDER:
            continue
        # The strongest holder who belongs to an affiliate, else the strongest: one per partner.
        rows = sorted(held[partner], key=lambda r: (not members.get(r["from"]), -int(r["strength"] or 0), r["from"]))
        rows[0]["primary"] = "true"
        if names[partner] == ENDED_RECORD:
            rows[0]["until"] = (rows[0]["last_contact"] or rows[0]["since"])[:7]
