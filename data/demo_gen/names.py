"""Fictional first and last names, as varied as the Côte d'Opale population."""

from __future__ import annotations


def _split(text: str) -> tuple[str, ...]:
    """Names separated by commas (a name may contain spaces or hyphens)."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


FEMALE: tuple[str, ...] = _split(
    """
Adèle, Agathe, Aïcha, Alice, Aline, Amandine, Ambre, Amélie, Anaïs, Anne-Sophie, Apolline,
Audrey, Aurélie, Axelle, Bérénice, Camille, Capucine, Carla, Célia, Céline, Chaïma,
Charlotte, Chloé, Clara, Clémence, Coralie, Delphine, Élise, Éloïse, Elsa, Emma, Enora,
Estelle, Eva, Fanny, Fatima, Flavie, Gaëlle, Hélène, Héloïse, Inès, Iris, Jade, Jeanne,
Joséphine, Julie, Juliette, Justine, Karima, Laetitia, Laura, Léa, Léna, Léonie, Lina, Lisa,
Lou, Louise, Lucie, Maëlle, Manon, Margaux, Marie, Marine, Marion, Mathilde, Maud, Mélanie,
Mélissa, Mila, Morgane, Nadia, Noémie, Océane, Ophélie, Pauline, Rose, Salomé, Sarah,
Soline, Sophie, Tiphaine, Valentine, Victoire, Yasmine, Zoé, Agnieszka, Anja, Ines, Maja,
Nour, Sofia, Yara, Leïla, Solène, Romane, Albane, Perrine, Bertille, Gwenaëlle
"""
)

MALE: tuple[str, ...] = _split(
    """
Adam, Adrien, Alexandre, Alexis, Amine, Antoine, Arthur, Augustin, Axel, Baptiste, Bastien,
Benjamin, Benoît, Bilal, Clément, Corentin, Cyril, Damien, Dylan, Édouard, Élias, Émile,
Enzo, Étienne, Évan, Fabien, Florian, François, Gabriel, Gaëtan, Guillaume, Hugo, Ilyes,
Jérémy, Jonathan, Jules, Julien, Karim, Kévin, Léo, Loïc, Louis, Luc, Lucas, Malo, Marius,
Mathéo, Mathis, Matthieu, Maxence, Maxime, Mehdi, Nathan, Nicolas, Noah, Noé, Olivier,
Pierre, Quentin, Raphaël, Rayan, Rémi, Robin, Romain, Ryan, Samuel, Sébastien, Simon,
Sofiane, Téo, Théo, Thibault, Thomas, Tom, Tristan, Valentin, Victor, Vincent, Yanis, Yann,
Youssef, Zacharie, Jérôme, Grégoire, Aurélien, Bruno, Cédric, Stanislas, Piotr, Tomasz,
Joris, Wout, Dries, Mathias, Killian, Erwan, Timothée
"""
)

LAST: tuple[str, ...] = _split(
    """
Vandenbussche, Vanhove, Verstraete, Debaecker, Deswarte, Vandamme, Decool, Declercq,
Deschodt, Delattre, Delannoy, Dewaele, Dehaene, Vermeersch, Van Rechem, Lebecq, Lemaire,
Lefebvre, Lefèvre, Leroy, Lecomte, Leclercq, Delbecque, Ducrocq, Dufour, Dumont, Duhamel,
Boulanger, Caron, Carpentier, Cousin, Courtois, Dhellemmes, Flament, Fournier,
Fauquembergue, Gosselin, Hochart, Hénon, Lagache, Lamotte, Lebas, Lesage, Loyer, Mahieu,
Malfait, Marquis, Merlin, Morel, Pruvost, Ramet, Ringot, Sauvage, Sergeant, Tellier, Thorel,
Vasseur, Wallet, Wimet, Woussen, Baheu, Bouclet, Fourcroy, Fiolet, Haudiquet, Margollé,
Noël, Obert, Pécron, Quéval, Ternisien, Vasseur-Ducrocq, Delpierre, Deguines, Pollet,
Roussel, Hautecoeur, Martin, Bernard, Dubois, Durand, Moreau, Laurent, Simon, Michel,
Garcia, Bertrand, Roux, Vincent, Fontaine, Girard, Bonnet, Lambert, Faure, Rousseau, Blanc,
Guérin, Muller, Henry, Perrin, Chevalier, Robin, Gauthier, Masson, Mercier, Dupuis, Brun,
Marchand, Barbier, Gaillard, Le Goff, Le Gall, Kerhervé, Tanguy, Rolland, Joly, Benoît,
Giraud, Kowalski, Nowak, Wiśniewski, Lewandowski, Kaczmarek, Zielinski, Benali, Bensaïd,
Haddad, Khelifi, Mansouri, Cherif, Belkacem, Amrani, Diallo, Traoré, Ndiaye, Mendy,
Ferreira, Da Silva, Pereira, Rodrigues, Santos, Rossi, Bianchi, Esposito, Fernandez, Lopez,
Martinez, Nguyen, Tran, Janssens, Peeters, Maes, Claes, Wouters, De Smet, Jacobs, Schmitt,
Yilmaz, Demir, Kaya, Petit, Lemoine, Colin, Vidal, Aubert, Renard
"""
)
