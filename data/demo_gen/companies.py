"""Fictional companies of the demo region: name | town | size code | speciality.

Any resemblance to an existing company is fortuitous. Size codes: T = TPE, P = PME,
E = ETI, G = grand groupe (a local site of a group). The speciality completes
"spécialisée dans …".
"""

from __future__ import annotations

SIZES: dict[str, str] = {"T": "TPE", "P": "PME", "E": "ETI", "G": "grand groupe"}


def _table(text: str) -> tuple[tuple[str, str, str, str], ...]:
    """Rows "name | town | size code | speciality", one per line."""
    rows = []
    for line in text.strip().splitlines():
        name, town, size, speciality = (cell.strip() for cell in line.split("|"))
        rows.append((name, town, size, speciality))
    return tuple(rows)


# sector -> ((name, town, size code, speciality), ...)
COMPANIES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "logistique portuaire": _table(
        """
Flandre Maritime Logistique | Loon-Plage | E | l'exploitation d'entrepôts sous douane et la logistique de conteneurs
Quai Ouest Manutention | Dunkerque | P | la manutention de vracs solides et de colis lourds sur le port Ouest
Estran Shipping | Dunkerque | P | la consignation de navires et l'affrètement maritime
Nordlink Transit | Calais | P | la commission de transport et le dédouanement des flux transmanche
Transmanche Fret Services | Coquelles | E | le transport de remorques non accompagnées entre la France et le Royaume-Uni
Darse Logistics | Grande-Synthe | P | la logistique contractuelle pour les industriels de l'agglomération dunkerquoise
Cap Blanc-Nez Transit | Calais | T | les formalités douanières post-Brexit pour les PME exportatrices
Écluse Conteneurs | Loon-Plage | P | la réparation, le stockage et la mise à disposition de conteneurs maritimes
Portiques du Nord | Dunkerque | E | l'exploitation d'un terminal à conteneurs et la conduite de portiques
Mer du Nord Consignation | Dunkerque | T | l'agence maritime et l'accueil des escales de navires vraquiers
Balise Douane & Conseil | Calais | T | le conseil en réglementation douanière et la représentation en douane
Hinterland Opale | Bourbourg | P | le transport multimodal fer-route-fleuve depuis les ports du littoral
Transports Delmotte & Fils | Marck | P | le transport routier de marchandises et la distribution régionale
Vraquiers Réunis du Littoral | Gravelines | P | le stockage et la reprise de vracs agricoles et industriels
Amarre Supply Chain | Saint-Pol-sur-Mer | P | le pilotage de la chaîne logistique pour des chargeurs de la grande distribution
Sillage Freight | Calais | P | l'organisation de transports internationaux et la gestion des Incoterms
Rade Logistique | Boulogne-sur-Mer | P | la logistique portuaire des produits de la mer débarqués à Boulogne-sur-Mer
Opale Reefer Services | Loon-Plage | P | l'entreposage frigorifique et la logistique des conteneurs reefer
Brise-Lames Entreposage | Coquelles | T | l'entreposage e-commerce et la préparation de commandes
Houle Multimodal | Dunkerque | G | les plateformes multimodales et les navettes ferroviaires portuaires
Jetée Transit | Calais | T | le groupage et le dégroupage de marchandises à destination du Royaume-Uni
Beffroi Logistique | Coudekerque-Branche | P | la logistique inverse et le reconditionnement de palettes
"""
    ),
    "énergie": _table(
        """
Watt'Opale Ingénierie | Dunkerque | P | l'ingénierie électrique des sites industriels et des postes haute tension
Hydrolittoral | Loon-Plage | P | la production et la distribution d'hydrogène bas carbone pour l'industrie
Éolien Large Nord | Dunkerque | E | la maintenance des parcs éoliens en mer de la Manche et de la mer du Nord
Thermie Flandre | Grande-Synthe | P | la récupération de chaleur fatale et les réseaux de chaleur urbains
Calor Dunes Réseaux | Dunkerque | P | l'exploitation de réseaux de chaleur alimentés par la chaleur industrielle
Nordwatt Services | Gravelines | E | la maintenance électrique et l'instrumentation en environnement nucléaire
Atelier Électrique des Huttes | Gravelines | T | le rebobinage et la réparation de moteurs électriques
Méthanor Littoral | Bourbourg | T | la méthanisation agricole et l'injection de biométhane dans le réseau
Capteco Énergie | Dunkerque | P | les études de captage, de transport et de stockage du CO2 industriel
Solaris Opale | Calais | T | l'installation de centrales photovoltaïques en toiture pour les entreprises
Courant Marin Ingénierie | Boulogne-sur-Mer | T | les études de faisabilité d'hydroliennes et d'énergies marines renouvelables
Amont Process Sûreté | Loon-Plage | P | les études de sécurité des procédés pour les sites Seveso
Volta Flandre | Coudekerque-Branche | P | la conception d'armoires électriques et l'automatisme industriel
Heliopale | Coulogne | T | l'audit énergétique et l'accompagnement à la rénovation des bâtiments tertiaires
Cryonord Services | Loon-Plage | P | les services techniques autour du terminal méthanier et du gaz naturel liquéfié
Phare Énergies | Gravelines | G | la production d'électricité et les services aux grands sites énergétiques
"""
    ),
    "agroalimentaire et pêche": _table(
        """
Marée Boulonnaise | Boulogne-sur-Mer | P | le mareyage et le filetage de poissons frais de la Manche
Les Viviers du Portel | Le Portel | T | la conservation en viviers et l'expédition de crustacés vivants
Saurisserie de la Liane | Boulogne-sur-Mer | P | le fumage traditionnel du hareng et du saumon
Filets d'Opale | Outreau | E | la transformation et la surgélation de filets de poisson pour la grande distribution
Conserverie du Cap Gris-Nez | Boulogne-sur-Mer | P | les conserves de maquereau, de sardine et de soupes de poisson
Pêcheries de l'Estran | Boulogne-sur-Mer | P | l'armement de chalutiers artisanaux et la vente en criée
Froid Capécure Services | Boulogne-sur-Mer | P | l'entreposage frigorifique des produits de la mer sur la zone de Capécure
Algues & Co Littoral | Wimereux | T | la culture et la valorisation de macroalgues alimentaires
Halle aux Saveurs Étaploises | Étaples | T | la vente directe des produits de la pêche étaploise
Bouchots d'Opale | Marck | T | la mytiliculture et le conditionnement de moules de bouchot
Fumaisons Hochart | Le Portel | T | le saumon fumé artisanal et les plats traiteur de la mer
Surgelés du Détroit | Saint-Étienne-au-Mont | E | les produits de la mer panés et surgelés
Biscuiterie des Dunes | Desvres | P | la fabrication de biscuits et de spécialités sucrées régionales
Crèmerie des Monts du Boulonnais | Desvres | T | la transformation du lait de vache en fromages fermiers
Saveurs de Wimereux | Wimereux | T | les rillettes de poisson et les tartinables de la mer
Nord Surimi Innovation | Boulogne-sur-Mer | E | la fabrication de surimi et de produits de la mer élaborés
Coproduits Marins de l'Opale | Outreau | P | la valorisation des coproduits de la pêche en ingrédients protéiques
Traiteur de la Jetée | Calais | T | les plateaux de fruits de mer et la restauration événementielle
Poissonnerie en Gros Fourcroy | Boulogne-sur-Mer | T | la distribution de poissons aux restaurateurs de la région
Brasserie du Phare d'Alprech | Le Portel | T | le brassage de bières artisanales aux ingrédients marins
Légumes du Pays de Guînes | Guînes | T | le maraîchage et la préparation de légumes prêts à cuisiner
Océalis Ingrédients | Saint-Martin-Boulogne | P | les hydrolysats de poisson et les ingrédients marins pour la nutrition
"""
    ),
    "tourisme": _table(
        """
Hôtel des Pins du Touquet | Le Touquet-Paris-Plage | P | l'hôtellerie haut de gamme et l'accueil de séminaires
Résidence Baie d'Authie | Berck | P | les résidences de tourisme en bord de mer et les séjours familiaux
Golf & Spa des Dunes | Le Touquet-Paris-Plage | P | le golf, le spa et l'hébergement de loisirs
Opale Glisse | Cucq | T | le char à voile, le kitesurf et les activités nautiques encadrées
Escapades Côte d'Opale | Boulogne-sur-Mer | T | les excursions guidées entre le cap Gris-Nez et la baie de Canche
Thalasso Marée Haute | Le Touquet-Paris-Plage | P | la thalassothérapie et les séjours bien-être
Camping Les Oyats | Merlimont | T | l'hôtellerie de plein air et la location de mobil-homes
Le Grand Phare Hôtel | Le Touquet-Paris-Plage | P | l'hôtellerie de charme et la restauration gastronomique
Brasserie de la Digue | Berck | T | la restauration de bord de mer et les produits de la pêche locale
Montreuil Remparts Événements | Montreuil-sur-Mer | T | l'organisation d'événements culturels et de visites patrimoniales
Gîtes de la Canche | Montreuil-sur-Mer | T | la gestion de gîtes et de chambres d'hôtes en vallée de la Canche
Voyages Transmanche Découverte | Calais | P | les séjours de groupes britanniques et belges sur la Côte d'Opale
Hardelot Forêt Loisirs | Neufchâtel-Hardelot | T | les activités de pleine nature et les parcours en forêt
Agence Week-end Opale | Le Touquet-Paris-Plage | T | les courts séjours sur mesure et la location saisonnière
Vent d'Ouest Glisse | Wimereux | T | l'école de surf et de paddle et la location de matériel
Hôtel Le Belvédère | Étaples | T | l'hôtellerie familiale et l'accueil de cyclotouristes
Domaine des Deux Vallées | Camiers | P | les séminaires d'entreprise et les mariages en pleine nature
Croisières du Détroit | Boulogne-sur-Mer | T | les sorties en mer et l'observation des phoques et des oiseaux marins
"""
    ),
    "industrie": _table(
        """
Aciers du Détroit | Grande-Synthe | G | la production et le laminage de tôles d'acier
Chaudronnerie Flamande | Coudekerque-Branche | P | la chaudronnerie et la tuyauterie industrielle sur mesure
Métallerie Vasseur | Outreau | T | la métallerie, la serrurerie industrielle et les garde-corps
Usinage de Précision du Calaisis | Marck | P | l'usinage de pièces mécaniques sur commande numérique
Nordmeca Services | Dunkerque | P | la maintenance mécanique des lignes de production sidérurgiques
Tulles Techniques Calaisiens | Calais | P | les textiles techniques issus du savoir-faire dentellier calaisien
Céramiques Techniques du Boulonnais | Desvres | T | les céramiques techniques et les pièces réfractaires
Minéraux du Boulonnais | Marquise | P | l'extraction et le traitement de granulats et de calcaires
Composites Opale | Calais | P | les pièces en matériaux composites pour le nautisme et l'éolien
Littoral Automation | Coquelles | P | la robotique industrielle et l'intégration de cellules automatisées
Tuyauterie Industrielle du Nord | Loon-Plage | P | la préfabrication de tuyauteries pour la chimie et l'énergie
Aluminium Flandre Process | Dunkerque | E | l'électrolyse et la coulée d'aluminium
Emballages du Calaisis | Calais | P | la fabrication d'emballages en carton ondulé
Mécanique Navale Boulonnaise | Boulogne-sur-Mer | T | la réparation de moteurs et d'équipements de navires de pêche
Chantier Naval de l'Estran | Étaples | T | la construction et l'entretien de bateaux de pêche en aluminium
Transmanche Rail Maintenance | Coquelles | P | la maintenance du matériel roulant ferroviaire
Fonderie des Dunes | Saint-Pol-sur-Mer | P | la fonderie de pièces en fonte et en acier moulé
Plasturgie Côte d'Opale | Saint-Martin-Boulogne | P | l'injection plastique de pièces techniques
Revêtements Techniques Synthois | Grande-Synthe | P | le traitement de surface et les revêtements anticorrosion
Atelier Soudure Lagache | Bourbourg | T | le soudage et la réparation de structures métalliques
Chimie Fine du Littoral | Loon-Plage | E | la synthèse de pigments et d'intermédiaires chimiques
Nordpack Industrie | Coudekerque-Branche | P | les machines de conditionnement pour l'agroalimentaire
"""
    ),
    "numérique": _table(
        """
Pixel Marée | Boulogne-sur-Mer | T | la création de sites web et d'identités visuelles
Agence Embruns | Calais | T | le marketing digital et la gestion des réseaux sociaux
Cap Data Opale | Dunkerque | P | l'analyse de données et la business intelligence pour l'industrie
Code & Dunes | Le Touquet-Paris-Plage | T | le développement d'applications web et mobiles sur mesure
Balise Numérique | Calais | P | les logiciels de gestion pour les transporteurs et les ports
Phare Digital | Boulogne-sur-Mer | T | le référencement et la création de boutiques en ligne
Nordweb Studio | Dunkerque | T | le développement web et l'accessibilité des sites publics
Goéland Solutions | Saint-Martin-Boulogne | P | l'infogérance et la cybersécurité des PME
Octet Littoral | Coquelles | P | l'intégration d'ERP et l'accompagnement à la transformation numérique
Cormoran Cyber | Calais | T | les audits de sécurité informatique et les tests d'intrusion
Vague Interactive | Wimereux | T | la réalité virtuelle et les expériences interactives pour le tourisme
Mouette Labs | Dunkerque | T | l'intelligence artificielle appliquée à la vision industrielle
Brume Data | Boulogne-sur-Mer | T | les plateformes de données environnementales et marines
Écume Apps | Calais | T | les applications mobiles pour le commerce de proximité
Hublot Studio | Étaples | T | le design d'interfaces et la vidéo de marque
Sternes Informatique | Grande-Synthe | P | le support informatique et la gestion de parcs pour les collectivités
Quatre Vents Web | Montreuil-sur-Mer | T | les sites de réservation en ligne pour les hébergeurs touristiques
Algorithmes du Détroit | Coudekerque-Branche | T | l'optimisation logistique et la recherche opérationnelle
"""
    ),
    "santé": _table(
        """
Berck Rééducation Innovation | Berck | P | les dispositifs de rééducation et le suivi des patients en soins de suite
Opale Dispositifs Médicaux | Calais | P | la conception et la fabrication de dispositifs médicaux
BioMarine Santé | Boulogne-sur-Mer | T | les actifs d'origine marine pour la santé et la nutrition
Téléconsult Opale | Dunkerque | T | les solutions de télésurveillance médicale
Pharmacopée Marine du Nord | Outreau | T | les compléments alimentaires à base d'algues et d'huiles de poisson
Santé Connectée Côte d'Opale | Le Touquet-Paris-Plage | T | les objets connectés pour le maintien à domicile
"""
    ),
    "BTP": _table(
        """
Bâtisseurs de la Côte d'Opale | Calais | P | la construction de bâtiments industriels et tertiaires
Digues et Ouvrages du Nord | Dunkerque | P | les travaux maritimes, les digues et les ouvrages portuaires
Rénov'Opale | Boulogne-sur-Mer | T | la rénovation énergétique des logements
Structures Littoral Ingénierie | Coudekerque-Branche | T | les études de structures en béton armé et en acier
Charpentes du Boulonnais | Desvres | T | la charpente bois et la couverture
Géotechnique des Dunes | Téteghem | T | les études de sols et les sondages géotechniques
"""
    ),
    "environnement": _table(
        """
Écotone Conseil | Boulogne-sur-Mer | T | les études d'impact et les inventaires de biodiversité littorale
Littoral Dépollution | Grande-Synthe | P | la dépollution des sols et la gestion de sites industriels
Recyclage Métaux du Port | Dunkerque | P | la collecte et le recyclage des métaux ferreux et non ferreux
Air & Mesures Opale | Dunkerque | T | la mesure des émissions atmosphériques et de la qualité de l'air
Eau Claire Flandre | Bergues | P | le traitement des eaux industrielles et l'assainissement
Laisse de Mer Environnement | Berck | T | le nettoyage raisonné des plages et le suivi des macrodéchets
"""
    ),
}
