import pytest

from assistant.pii import PiiKind, mask_everywhere, mask_pii


def nir_with_key(first13: str) -> str:
    number = int(first13.replace("2A", "19").replace("2B", "18"))
    return f"{first13}{97 - number % 97:02d}"


@pytest.mark.parametrize("text, kind", [
    (f"mon numero de secu est {nir_with_key('1850578006084')}", PiiKind.NIR),
    ("mon identifiant 1850578006084 ne marche pas", PiiKind.NIR),
    (f"NIR : {nir_with_key('269052A006084')}", PiiKind.NIR),
    ("mon iban FR76 3000 6000 0112 3456 7890 189 svp", PiiKind.IBAN),
    ("écrivez à jean.dupont+urssaf@exemple.fr merci", PiiKind.EMAIL),
    ("rappelez moi au 06 12 34 56 78", PiiKind.PHONE),
    ("tel: +33 6 12 34 56 78", PiiKind.PHONE),
    ("0612345678", PiiKind.PHONE),
])
def test_personal_data_is_masked(text, kind):
    masked, kinds = mask_pii(text)
    assert kinds == [kind]
    assert kind.mask in masked
    assert not any(ch.isdigit() for ch in masked.replace("FR76", "")) or kind == PiiKind.EMAIL


def test_spaced_nir_with_key_is_masked():
    nir = nir_with_key("1850578006084")
    spaced = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    assert mask_pii(f"secu {spaced}")[0] == "secu [NIR masqué]"


@pytest.mark.parametrize("text", [
    "30 000 €", "j'ai 42000 de revenu", "69003", "appelez le 3698", "le 36 46",
    "revenus 25 000, 28 000 et 30 000", "arrêt de 10 jours en 2019", "CA de 1 250 000 euros",
    "FR76 pas un iban", "mon code postal 2A004",
])
def test_ordinary_numbers_are_not_personal_data(text):
    assert mask_pii(text) == (text, [])


def test_wrong_nir_key_is_not_taken_for_a_nir():
    nir = nir_with_key("1850578006084")
    wrong = nir[:-2] + f"{(int(nir[-2:]) + 1) % 97:02d}"
    assert mask_pii(wrong)[1] == []


def test_mask_everywhere_walks_nested_events():
    event = {"event": "user", "text": "mail a@b.fr", "parse_data": {"text": "mail a@b.fr", "n": 3}, "l": ["06 12 34 56 78"]}
    masked = mask_everywhere(event)
    assert masked == {"event": "user", "text": "mail [e-mail masqué]",
                      "parse_data": {"text": "mail [e-mail masqué]", "n": 3}, "l": ["[téléphone masqué]"]}
