"""Author strings as pages write them, cleaned into the people alone."""

from __future__ import annotations

import pytest

from briefing.ingest.authors import clean_authors, display


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # the same person twice, once shouted
        ("Jane Doe; JANE DOE", ["Jane Doe"]),
        ("JANE DOE; Jane Doe", ["Jane Doe"]),
        # a date glued on, down to a bare month
        ("Jane Roe May", ["Jane Roe"]),
        ("Jane Roe May 5, 2023", ["Jane Roe"]),
        ("by Jane Roe22 Dec 2016", ["Jane Roe"]),
        ("By Jane Doe | Updated March 3, 2024 at 10:00 am", ["Jane Doe"]),
        # ...but a surname that is a month stays
        ("Theresa May", ["Theresa May"]),
        ("April Ryan", ["April Ryan"]),
        # "by", roles and affiliations left out
        ("By JANE DOE and John Roe, Staff Writers", ["Jane Doe", "John Roe"]),
        ("Jane Doe, Research Associate", ["Jane Doe"]),
        ("Jane Doe is a senior fellow at the Institute for Studies", ["Jane Doe"]),
        ("Jane Doe\nSenior Fellow, Center for Things", ["Jane Doe"]),
        (
            "Jane Doe reporting from Kabul; additional reporting by John Roe",
            ["Jane Doe", "John Roe"],
        ),
        ("Jane Doe, Kabul", ["Jane Doe"]),
        ("Dr. Jane Doe, PhD", ["Jane Doe"]),
        ("Jane Doe (Wire Service)", ["Jane Doe"]),
        # lists: and, &, commas, semicolons, other scripts' separators
        ("Jane Doe, John Roe and Ann Poe", ["Jane Doe", "John Roe", "Ann Poe"]),
        ("Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe and John Roe and Jane Doe", ["Jane Doe", "John Roe"]),
        ("张三、李四", ["张三", "李四"]),
        ("Мария Иванова и Иван Петров", ["Мария Иванова", "Иван Петров"]),
        ("María José García-López y Ana Ruiz", ["María José García-López", "Ana Ruiz"]),
        ("José Ortega y Gasset", ["José Ortega y Gasset"]),  # one person, two surnames
        ("Jane Doe Jr.", ["Jane Doe Jr."]),
        # whoever took the pictures did not write the text
        ("Jane Doe; Photos by John Roe", ["Jane Doe"]),
        ("Jane Doe, Photography: John Roe", ["Jane Doe"]),
        # surname first, where it is clear
        ("Doe, Jane", ["Jane Doe"]),
        ("Doe, Jane A.; Roe, John", ["Jane A. Doe", "John Roe"]),
        ("Doe, Jane and Roe, John", ["Jane Doe", "John Roe"]),
        # names that look odd but are names
        ("J. R. R. Tolkien", ["J. R. R. Tolkien"]),
        ("Ludwig van Beethoven", ["Ludwig van Beethoven"]),
        ("Mary-Kate O'Neil", ["Mary-Kate O'Neil"]),
        # a wire credit glued to the name, the role without its comma
        ("Jane Doe, XY Auto Writer", ["Jane Doe"]),
        ("Jane Doe and XY National Political Writer", ["Jane Doe"]),
        ("Jane Doe Business Reporter", ["Jane Doe"]),
        ("Jane Doe and JOHN ROE Associated Press", ["Jane Doe", "John Roe"]),
        ("Jane Doe Example International", ["Jane Doe"]),
        ("Jane Doe Edited by John Roe", ["Jane Doe"]),
        # one person with and without a middle initial
        ("Jane Q. Doe; Jane Doe", ["Jane Q. Doe"]),
        # nobody: an organisation, a label, a link, an address, a login
        ("Staff Writer", []),
        ("Wire Staff", []),
        ("Associated Press", []),
        ("The Associated Press", []),
        ("Example News Digital", []),
        ("Daily Example Reporter", []),
        ("username", []),
        ("Username", []),
        ("mcupdate", []),
        ("AFP", []),
        ("By", []),
        ("The Editorial Board", []),
        ("By The Example Gazette", []),
        ("https://www.example.com/people/jdoe", []),
        ("jdoe@example.com", []),
        ("", []),
        # a job title after a comma describes the person, in any wording
        ("Posted by Jane Doe, Software Engineer on Example Play", ["Jane Doe"]),
        ("Jane Doe, Principal Product Manager", ["Jane Doe"]),
        ("Jane Doe, Data Scientist, and John Roe, Solutions Architect", ["Jane Doe", "John Roe"]),
        ("By Jane Doe, Policy Advocate", ["Jane Doe"]),
        # a publication named after its subject, or by a title word, is no person
        ("Tech Insider", []),
        ("Science Weekly", []),
        ("Harbour Gazette", []),
        ("Jane Doe, Tech Insider", ["Jane Doe"]),
        # ...while people whose names look near those stay
        ("Jane Baker and John Cook", ["Jane Baker", "John Cook"]),
        ("Grace Hopper", ["Grace Hopper"]),
    ],
)
def test_an_author_string_becomes_the_people_it_names(raw: str, expected: list[str]) -> None:
    assert clean_authors(raw) == expected


def test_several_strings_merge_into_one_list_in_order() -> None:
    assert clean_authors(["Jane Doe", "jane doe"], "John Roe and JANE DOE", None) == [
        "Jane Doe",
        "John Roe",
    ]


def test_the_outlet_given_as_author_is_not_a_person() -> None:
    assert clean_authors("Example Daily Chronicle", exclude=["Example Daily Chronicle"]) == []
    assert clean_authors("Jane Doe; Example Gazette", exclude=["example gazette"]) == ["Jane Doe"]


def test_an_author_made_of_the_outlets_words_is_the_outlet() -> None:
    assert clean_authors("Jane Doe and Example Insider", exclude=["Example Insider Europe"]) == [
        "Jane Doe"
    ]
    assert clean_authors("Jane Doe, XYZ Business", exclude=["XYZ"]) == ["Jane Doe"]
    assert clean_authors("Timothy Doe", exclude=["Time"]) == ["Timothy Doe"]


def test_accents_and_case_do_not_make_two_people() -> None:
    assert clean_authors("José Pérez; JOSE PEREZ") == ["José Pérez"]


@pytest.mark.parametrize(
    ("authors", "shown"),
    [
        ([], None),
        (["Jane Doe"], "Jane Doe"),
        (["Jane Doe", "John Roe"], "Jane Doe and John Roe"),
        (["Jane Doe", "John Roe", "Ann Poe"], "Jane Doe, John Roe and Ann Poe"),
    ],
)
def test_the_display_string_joins_them_as_a_citation_does(
    authors: list[str], shown: str | None
) -> None:
    assert display(authors) == shown


def test_the_display_string_reads_back_as_the_same_people() -> None:
    people = ["Jane Doe", "John Roe", "Ann Poe"]
    assert clean_authors(display(people)) == people
