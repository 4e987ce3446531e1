"""Whether two different skill labels may be called related, so that explanations never offer
false friends (Java ≈ JavaScript, anglais ≈ allemand, gestion des déchets ≈ gestion d'entrepôt).

An encoder's cosine says two labels *sound* alike; it cannot tell a skill from its neighbour
that merely shares a word or a prefix. Explanations therefore ask this rule before they call a
pair "related" or "matched", whatever the cosine. Refusals, in the order they are tried:

1. `ALTERNATIVES`: both labels name a member of the same set of alternatives (natural
   languages, programming languages, energy sources, transport modes, building trades, food
   trades, farm productions, office programs) and the members differ: one never stands for
   the other.
2. `OTHER_FAMILY`: both labels are skills of the vocabulary filed in different families
   (trades): "gestion des déchets" (environnement) is not "gestion d'entrepôt" (logistique).
3. `SHARED_WORD`: the labels share words but each keeps words of its own ("guide
   touristique" / "guide de haute montagne") and what they share is not itself a skill of
   their family: a common head word ("gestion", "conduite", "analyse") is no common skill.
   Two skills the vocabulary files in one family are left to the encoder.
4. `LISTED`: an explicit list for what the rules cannot see (`FALSE_FRIENDS`).

`KIN` lists true relations the rules would refuse (TypeScript is JavaScript with types; the
vocabulary files electricians under three families), so that the rule is not "never related".

`IMPLIES` goes the other way: a skill that cannot be held without another, at least in part
(React is written in JavaScript, TIG welding is welding, Photoshop is of the Adobe suite), one
way only. An explanation never lists the implied skill
as "to acquire" for a person who holds the specific one; it calls them related, whatever the
encoder says (`implied_by`). Where the specific skill holds the other whole (`IMPLIES_WHOLLY`:
a framework or library and its language, a database engine and SQL, a welding process and
welding, a program and the trade it is the tool of: Symfony and PHP, PostgreSQL and SQL,
AutoCAD and CAO), the other counts as covered (`wholly_implied_by`).
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

from matching.skills import SkillVocabulary, normalise, skill_key

__all__ = [
    "ALTERNATIVES",
    "FALSE_FRIENDS",
    "IMPLIES",
    "IMPLIES_WHOLLY",
    "KIN",
    "Kinship",
    "implied_by",
    "kinship",
    "wholly_implied_by",
    "may_relate",
]


class Kinship(StrEnum):
    """What the rule says of a pair of labels."""

    SAME = "same"  # one skill under two names
    MAY_RELATE = "may_relate"  # nothing refuses it: the encoder's similarity decides
    ALTERNATIVES = "alternatives"
    OTHER_FAMILY = "other_family"
    SHARED_WORD = "shared_word"
    LISTED = "listed"

    @property
    def refused(self) -> bool:
        return self not in (Kinship.SAME, Kinship.MAY_RELATE)


def _members(spec: str) -> dict[str, str]:
    """`member: word word | member: word` -> {normalised word: member}."""
    out: dict[str, str] = {}
    for entry in spec.split("|"):
        member, _, words = entry.partition(":")
        for word in words.split():
            out[normalise(word)] = member.strip()
    return out


# Sets of alternatives: a label naming one member is never related to a label naming another.
ALTERNATIVES: dict[str, dict[str, str]] = {
    "natural_language": _members(
        """en: anglais anglaise english | de: allemand allemande german |
        es: espagnol espagnole castillan spanish | it: italien italienne italian |
        pt: portugais portugaise portuguese | zh: chinois chinoise mandarin chinese |
        ar: arabe arabic | ru: russe russian | nl: néerlandais néerlandaise flamand dutch |
        pl: polonais polonaise polish | ja: japonais japonaise japanese |
        tr: turc turque turkish | ro: roumain roumaine romanian |
        uk: ukrainien ukrainienne ukrainian | fr: français française french |
        br: breton bretonne | eu: basque | co: corse | oc: occitan | ko: coréen korean |
        el: grec grecque greek | sv: suédois swedish | no: norvégien norwegian |
        da: danois danish | fi: finnois finnish | hu: hongrois hungarian | cs: tchèque czech |
        he: hébreu hebrew | vi: vietnamien vietnamese | hi: hindi | ca: catalan"""
    ),
    "programming_language": _members(
        """python: python | java: java | javascript: javascript js ecmascript es6 |
        typescript: typescript | c: c | cpp: c++ cpp | csharp: c# csharp | php: php |
        ruby: ruby | go: go golang | rust: rust | kotlin: kotlin | swift: swift |
        scala: scala | r: r | matlab: matlab | vba: vba | perl: perl | cobol: cobol |
        fortran: fortran | haskell: haskell | julia: julia | dart: dart | lua: lua |
        elixir: elixir | erlang: erlang | clojure: clojure | groovy: groovy | ocaml: ocaml |
        fsharp: f# | abap: abap | solidity: solidity | assembly: assembleur assembly |
        pascal: pascal delphi | ada: ada | lisp: lisp | prolog: prolog"""
    ),
    "energy_source": _members(
        """solar: solaire photovoltaïque photovoltaïques | wind: éolien éolienne éoliens |
        nuclear: nucléaire | hydrogen: hydrogène | biomass: biomasse biogaz méthanisation
        bioénergie biométhane | geothermal: géothermie géothermique |
        marine: hydrolien hydrolienne houlomotrice marémotrice |
        hydro: hydroélectricité hydroélectrique | oil: pétrole pétrolière pétrolier |
        coal: charbon | gas: gnl méthanier"""
    ),
    "transport_mode": _members(
        """road: routier routière | rail: ferroviaire | river: fluvial fluviale |
        air: aérien aérienne | sea: maritime"""
    ),
    "building_trade": _members(
        """masonry: maçonnerie maçon | plumbing: plomberie plombier chauffagiste |
        joinery: menuiserie menuisier ébénisterie ébéniste | carpentry: charpente charpentier |
        roofing: couvreur toiture zinguerie | painting: peinture peintre |
        plaster: plâtrerie plaquiste placo | tiling: carrelage carreleur |
        electrical: électricité électricien"""
    ),
    "food_trade": _members(
        """bakery: boulangerie boulanger panification viennoiserie |
        butchery: boucherie boucher charcuterie charcutier |
        fishmonger: poissonnerie poissonnier mareyage mareyeur |
        cheese: fromagerie fromager"""
    ),
    "farm_production": _members(
        """livestock: élevage éleveur | market_garden: maraîchage maraîcher horticulture |
        vine: viticulture viticole vigneron | orchard: arboriculture arboriculteur |
        bees: apiculture apiculteur | forest: sylviculture forestier |
        fish_farm: aquaculture pisciculture conchyliculture ostréiculture"""
    ),
    "office_program": _members(
        """excel: excel | word: word | powerpoint: powerpoint | outlook: outlook"""
    ),
}
# Single letters or common words that name a programming language only in a skill label of
# their own ("C", "R", "Go") or next to one of these words ("langage C").
_AMBIGUOUS = frozenset({"c", "r", "go"})
_LANGUAGE_CONTEXT = frozenset({"langage", "language", "programmation", "programming"})

# True relations between different members or families that the rules above would refuse
# (pairs of vocabulary ids, or of normalised labels for skills the vocabulary lacks).
KIN: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("typescript", "javascript"),  # a superset of the language
        ("langage-c", "cpp"),
        ("java", "kotlin"),  # one virtual machine, one library
        ("java", "scala"),
        ("electricite", "electricite-du-batiment"),  # electricians, filed in three families
        ("electricite", "electricite-industrielle"),
        ("electricite-du-batiment", "electricite-industrielle"),
        ("boulangerie", "patisserie"),  # one trade, "boulanger-pâtissier"
    )
)

# False friends no rule can see: alike in name or in an encoder, unlike in what a person can do.
FALSE_FRIENDS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("powerpoint", "power-bi"),  # slides, not business intelligence
        ("sap", "sas-logiciel"),  # an ERP, a statistics package
        ("sap", "sage-logiciel"),
        ("permis-b", "conduite-poids-lourd"),  # a car licence does not drive a lorry
        ("aquaculture", "aquariologie"),  # fish farming, aquarium keeping
        ("geotechnique", "geothermie"),  # soils, not heat
        ("jira", "jenkins"),  # tickets, not builds
        ("jira", "java"),  # tickets, not a language
        ("tableau-software", "indicateurs-de-performance"),  # a program, a "tableau de bord"
        # One trade, different work (seen called related in the demo's explanations):
        ("affretement", "dedouanement"),  # buying transport, clearing customs
        ("accueil-touristique", "ingenierie-touristique"),  # a front desk, designing offers
        ("methodologie-de-la-recherche", "valorisation-de-la-recherche"),
        ("habilitation-electrique", "reseaux-electriques"),  # a safety clearance, a field
        ("logistique-portuaire", "e-logistique"),  # a port, online orders
        ("etiquetage-alimentaire", "technologie-alimentaire"),  # rules, processing
        ("maintenance-industrielle", "supervision-industrielle"),  # machines, SCADA
    )
)


def _closure(spec: str, whole_only: bool = False) -> dict[str, frozenset[str]]:
    """`skill: implied implied* | ...` (vocabulary ids; * marks a skill held whole) -> each
    skill's implied skills, with what those imply in turn (`whole_only`: through * only)."""
    direct: dict[str, set[str]] = {}
    for entry in spec.split("|"):
        skill, _, implied = entry.partition(":")
        direct.setdefault(skill.strip(), set()).update(
            t.rstrip("*") for t in implied.split() if t.endswith("*") or not whole_only
        )
    out: dict[str, frozenset[str]] = {}
    for skill in direct:
        seen: set[str] = set()
        todo = list(direct[skill])
        while todo:
            s = todo.pop()
            if s not in seen and s != skill:
                seen.add(s)
                todo.extend(direct.get(s, ()))
        if seen:
            out[skill] = frozenset(seen)
    return out


# Skills (vocabulary ids) that cannot be held without the ones after the colon, at least in
# part: a framework and its language, a tool and its trade, a technique and the skill it
# specialises, a program and the suite it belongs to. "Related" unless held whole
# (`IMPLIES_WHOLLY`, below): then "covered".
_IMPLICATIONS = """
    react: javascript* developpement-front-end | vue-js: javascript* developpement-front-end |
    angular: typescript* developpement-front-end | next-js: react* | jquery: javascript* |
    react-native: javascript* developpement-mobile | node-js: javascript* |
    typescript: javascript* | developpement-front-end: developpement-web |
    developpement-back-end: developpement-web |
    developpement-full-stack: developpement-front-end developpement-back-end |
    django: python* developpement-back-end | flask: python* developpement-back-end |
    fastapi: python* developpement-back-end | symfony: php* developpement-back-end |
    laravel: php* developpement-back-end | spring-boot: java* developpement-back-end |
    ruby-on-rails: ruby* developpement-back-end | dotnet: csharp |
    pandas: python* | numpy: python* | pytest: python* tests-logiciels |
    selenium: tests-logiciels | scikit-learn: python* apprentissage-automatique |
    tensorflow: python* apprentissage-profond | pytorch: python* apprentissage-profond |
    apprentissage-profond: apprentissage-automatique |
    apprentissage-automatique: intelligence-artificielle |
    ia-generative: intelligence-artificielle | flutter: developpement-mobile |
    android: developpement-mobile | ios: developpement-mobile |
    postgresql: sql* | mysql: sql* | oracle-database: sql* | sql-server: sql* | pl-sql: sql* |
    mongodb: bases-de-donnees-nosql | jenkins: integration-continue |
    amazon-web-services: cloud-computing | microsoft-azure: cloud-computing |
    google-cloud-platform: cloud-computing | tests-d-intrusion: cybersecurite |
    securite-reseau: cybersecurite | power-bi: data-visualisation business-intelligence |
    tableau-software: data-visualisation | qlik: data-visualisation business-intelligence |
    apache-spark: big-data | hadoop: big-data | scrum: methodes-agiles* | sap: erp* |
    odoo: erp* | unity: developpement-de-jeux-video | unreal-engine: developpement-de-jeux-video |
    soudage-tig: soudage* | soudage-mig-mag: soudage* | soudage-a-l-arc: soudage* |
    solidworks: conception-assistee-par-ordinateur* | catia: conception-assistee-par-ordinateur* |
    autocad: conception-assistee-par-ordinateur* | revit: bim* | archicad: bim* |
    siemens-tia-portal: automatismes* | maintenance-preventive: maintenance-industrielle |
    maintenance-predictive: maintenance-industrielle | smed: amelioration-continue |
    5s: amelioration-continue | six-sigma: amelioration-continue | tpm: amelioration-continue |
    lean-manufacturing: amelioration-continue | ifs-food: securite-des-aliments |
    brcgs: securite-des-aliments | iso-22000: securite-des-aliments |
    haccp: securite-des-aliments | qgis: sig* | arcgis: sig* |
    photoshop: suite-adobe | illustrator: suite-adobe | indesign: suite-adobe |
    eolien-en-mer: energie-eolienne energies-marines-renouvelables |
    energie-eolienne: energies-renouvelables | photovoltaique: energies-renouvelables |
    energies-marines-renouvelables: energies-renouvelables |
    comptabilite-analytique: comptabilite | referencement-naturel: marketing-digital |
    referencement-payant: marketing-digital | emailing: marketing-digital |
    marketing-digital: marketing | pmp: gestion-de-projet | prince2: gestion-de-projet |
    ms-project: gestion-de-projet | recrutement: ressources-humaines |
    gestion-hoteliere: hotellerie"""
IMPLIES: dict[str, frozenset[str]] = _closure(_IMPLICATIONS)


# Those of the implications above where the specific skill holds the other whole, not a part
# of it (marked *): whoever writes Symfony writes PHP, whoever queries PostgreSQL writes SQL,
# whoever welds TIG welds, whoever draws in AutoCAD does CAO. The implied skill counts as
# covered, not related. Left unmarked on purpose: a part of a wider field (HACCP of food
# safety, recruitment of human resources, digital marketing of marketing, a framework of
# front-end development, Photoshop of the Adobe suite, penetration testing of cybersecurity,
# .NET of C#, which VB.NET also is).
IMPLIES_WHOLLY: dict[str, frozenset[str]] = _closure(_IMPLICATIONS, whole_only=True)


def wholly_implied_by(wanted: str, held: str, vocabulary: SkillVocabulary | None = None) -> bool:
    """Whether holding `held` means holding `wanted` whole (`IMPLIES_WHOLLY`; one way only)."""
    vocab = vocabulary if vocabulary is not None else SkillVocabulary.builtin()
    return _implied(wanted.strip(), held.strip(), vocab, whole=True)


def implied_by(wanted: str, held: str, vocabulary: SkillVocabulary | None = None) -> bool:
    """Whether holding the skill `held` implies holding `wanted` (`IMPLIES`; one way only)."""
    vocab = vocabulary if vocabulary is not None else SkillVocabulary.builtin()
    return _implied(wanted.strip(), held.strip(), vocab, whole=False)


@lru_cache(maxsize=65536)
def _implied(wanted: str, held: str, vocabulary: SkillVocabulary, whole: bool) -> bool:
    w, h = vocabulary.lookup(wanted), vocabulary.lookup(held)
    table = IMPLIES_WHOLLY if whole else IMPLIES
    return w is not None and h is not None and w.id in table.get(h.id, frozenset())


def _tokens(label: str) -> tuple[str, ...]:
    return tuple(skill_key(label).split())


def _markers(tokens: tuple[str, ...], group: dict[str, str]) -> frozenset[str]:
    context = len(tokens) == 1 or bool(_LANGUAGE_CONTEXT.intersection(tokens))
    return frozenset(group[t] for t in tokens if t in group and (t not in _AMBIGUOUS or context))


def _identity(label: str, vocabulary: SkillVocabulary) -> tuple[str, str | None, tuple[str, ...]]:
    """(id or normalised key, family or None, marker tokens) of a label."""
    skill = vocabulary.lookup(label)
    tokens = _tokens(label)
    if skill is None:
        return " ".join(tokens), None, tokens
    # A known skill also carries the words of its canonical label ("golang" -> "langage Go").
    return skill.id, skill.family, tokens + _tokens(skill.label)


def _alternatives(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    for group in ALTERNATIVES.values():
        ma, mb = _markers(a, group), _markers(b, group)
        if ma and mb and not (ma & mb):
            return True
    return False


def _shared_word(
    a: tuple[str, ...],
    b: tuple[str, ...],
    families: tuple[str | None, str | None],
    vocabulary: SkillVocabulary,
) -> bool:
    shared = [t for t in a if t in b]
    if not shared or set(a) <= set(b) or set(b) <= set(a):
        return False  # nothing in common, or one label specialises the other
    if families[0] is not None and families[0] == families[1]:
        return False  # filed in one trade by the vocabulary: the encoder decides
    common = vocabulary.lookup(" ".join(shared))
    if common is None:
        return True
    # Two specialisations of one skill are related when they stay in its trade:
    # "soudage TIG" / "soudage MIG", not "réseaux électriques" / "réseaux de gaz".
    return any(f is not None and f != common.family for f in families)


@lru_cache(maxsize=65536)
def _kinship(a: str, b: str, vocabulary: SkillVocabulary) -> Kinship:
    id_a, family_a, tokens_a = _identity(a, vocabulary)
    id_b, family_b, tokens_b = _identity(b, vocabulary)
    if id_a == id_b:
        return Kinship.SAME
    if frozenset((id_a, id_b)) in KIN:
        return Kinship.MAY_RELATE
    if _alternatives(tokens_a, tokens_b):
        return Kinship.ALTERNATIVES
    if family_a is not None and family_b is not None and family_a != family_b:
        return Kinship.OTHER_FAMILY
    if _shared_word(_tokens(a), _tokens(b), (family_a, family_b), vocabulary):
        return Kinship.SHARED_WORD
    if frozenset((id_a, id_b)) in FALSE_FRIENDS:
        return Kinship.LISTED
    return Kinship.MAY_RELATE


def kinship(a: str, b: str, vocabulary: SkillVocabulary | None = None) -> Kinship:
    """What the rule says of two skill labels (symmetric; the built-in vocabulary by default)."""
    vocab = vocabulary if vocabulary is not None else SkillVocabulary.builtin()
    first, second = sorted((a.strip(), b.strip()))
    return _kinship(first, second, vocab)


def may_relate(a: str, b: str, vocabulary: SkillVocabulary | None = None) -> bool:
    """Whether an explanation may call `a` and `b` the same or related skills."""
    return not kinship(a, b, vocabulary).refused
