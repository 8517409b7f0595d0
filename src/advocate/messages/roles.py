"""What a person is ("journalist", "student"...), in the templates' languages.

The parser stores a role in English, lower case. Here each known role has
its English singular and plural and its Russian masculine, feminine and
plural forms; the form agrees with the pronouns (he, she; they: the
masculine, as Russian uses it for a person whose gender is not given) or
is plural for a group. A role not in the table keeps its English words in
English and is left out (none) in other languages, so templates fall back
to phrasing without it rather than mixing languages.
"""

from __future__ import annotations

# role: (en singular, en plural, ru masculine, ru feminine, ru plural)
ROLES: dict[str, tuple[str, str, str, str, str]] = {
    "human rights defender": ("human rights defender", "human rights defenders", "правозащитник", "правозащитница", "правозащитники"),
    "women's rights defender": ("women's rights defender", "women's rights defenders",
                                "защитник прав женщин", "защитница прав женщин", "защитники прав женщин"),
    "human rights lawyer": ("human rights lawyer", "human rights lawyers",
                            "адвокат-правозащитник", "адвокат-правозащитница", "адвокаты-правозащитники"),
    "journalist": ("journalist", "journalists", "журналист", "журналистка", "журналисты"),
    "photojournalist": ("photojournalist", "photojournalists", "фотожурналист", "фотожурналистка", "фотожурналисты"),
    "blogger": ("blogger", "bloggers", "блогер", "блогер", "блогеры"),
    "student": ("student", "students", "студент", "студентка", "студенты"),
    "lawyer": ("lawyer", "lawyers", "адвокат", "адвокат", "адвокаты"),
    "activist": ("activist", "activists", "активист", "активистка", "активисты"),
    "political activist": ("political activist", "political activists",
                           "политический активист", "политическая активистка", "политические активисты"),
    "environmental defender": ("environmental defender", "environmental defenders",
                               "защитник окружающей среды", "защитница окружающей среды", "защитники окружающей среды"),
    "land defender": ("land defender", "land defenders", "защитник земли", "защитница земли", "защитники земли"),
    "lgbti activist": ("LGBTI activist", "LGBTI activists", "ЛГБТИ-активист", "ЛГБТИ-активистка", "ЛГБТИ-активисты"),
    "trade unionist": ("trade unionist", "trade unionists",
                       "профсоюзный активист", "профсоюзная активистка", "профсоюзные активисты"),
    "academic": ("academic", "academics", "учёный", "учёная", "учёные"),
    "researcher": ("researcher", "researchers", "исследователь", "исследовательница", "исследователи"),
    "writer": ("writer", "writers", "писатель", "писательница", "писатели"),
    "poet": ("poet", "poets", "поэт", "поэтесса", "поэты"),
    "artist": ("artist", "artists", "художник", "художница", "художники"),
    "musician": ("musician", "musicians", "музыкант", "музыкант", "музыканты"),
    "filmmaker": ("filmmaker", "filmmakers", "кинорежиссёр", "кинорежиссёр", "кинорежиссёры"),
    "doctor": ("doctor", "doctors", "врач", "врач", "врачи"),
    "teacher": ("teacher", "teachers", "учитель", "учительница", "учителя"),
    "protester": ("protester", "protesters", "участник протестов", "участница протестов", "участники протестов"),
    "opposition politician": ("opposition politician", "opposition politicians",
                              "оппозиционный политик", "оппозиционный политик", "оппозиционные политики"),
    "politician": ("politician", "politicians", "политик", "политик", "политики"),
    "religious leader": ("religious leader", "religious leaders", "религиозный лидер", "религиозный лидер", "религиозные лидеры"),
    "community leader": ("community leader", "community leaders", "общественный лидер", "общественный лидер", "общественные лидеры"),
    "indigenous leader": ("Indigenous leader", "Indigenous leaders",
                          "лидер коренного народа", "лидер коренного народа", "лидеры коренного народа"),
    "prisoner of conscience": ("prisoner of conscience", "prisoners of conscience", "узник совести", "узница совести", "узники совести"),
    "student activist": ("student activist", "student activists", "студенческий активист", "студенческая активистка",
                         "студенческие активисты"),
    "women's rights activist": ("women's rights activist", "women's rights activists",
                                "активист за права женщин", "активистка за права женщин", "активисты за права женщин"),
    "conscientious objector": ("conscientious objector", "conscientious objectors",
                               "отказник по убеждениям", "отказница по убеждениям", "отказники по убеждениям"),
    "asylum-seeker": ("asylum-seeker", "asylum-seekers", "соискатель убежища", "соискательница убежища", "соискатели убежища"),
    "refugee": ("refugee", "refugees", "беженец", "беженка", "беженцы"),
    "cartoonist": ("cartoonist", "cartoonists", "карикатурист", "карикатуристка", "карикатуристы"),
    "monk": ("monk", "monks", "монах", "монах", "монахи"),
    "nun": ("nun", "nuns", "монахиня", "монахиня", "монахини"),
    "rapper": ("rapper", "rappers", "рэпер", "рэперша", "рэперы"),
    "youtuber": ("YouTuber", "YouTubers", "видеоблогер", "видеоблогер", "видеоблогеры"),
    "indigenous lawyer": ("Indigenous lawyer", "Indigenous lawyers",
                          "адвокат из числа коренных народов", "адвокат из числа коренных народов",
                          "адвокаты из числа коренных народов"),
    "quilombola leader": ("quilombola leader", "quilombola leaders",
                          "лидер общины киломбу", "лидер общины киломбу", "лидеры общин киломбу"),
}
ALIASES = {"human rights activist": "activist", "environmentalist": "environmental defender",
           "environmental activist": "environmental defender", "union leader": "trade unionist",
           "peaceful protester": "protester", "demonstrator": "protester", "scholar": "academic",
           "defender": "human rights defender", "rights defender": "human rights defender",
           "attorney": "lawyer", "university student": "student", "film director": "filmmaker"}

_RU_COLUMN = {"he": 2, "she": 3, "they": 2, "plural": 4}


def role_forms(role: str | None, language: str, number: str) -> dict[str, str | None]:
    """{'role', 'Role' (first letter upper case), 'a_role'} for `number`: 'he', 'she', 'they' (a person), 'plural' (a group)."""
    forms = _forms(role, language, number)
    word = forms["role"]
    return {**forms, "Role": word[:1].upper() + word[1:] if word else None}


def _forms(role: str | None, language: str, number: str) -> dict[str, str | None]:
    key = (role or "").strip().lower()
    known = ROLES.get(ALIASES.get(key, key))
    plural = number == "plural"
    if language == "en" and key:
        word = (known[1] if plural else known[0]) if known else (_english_plural(key) if plural else key)
        return {"role": word, "a_role": word if plural else f"{_article(word)} {word}"}
    if language == "ru" and known:
        word = known[_RU_COLUMN.get(number, 2)]
        return {"role": word, "a_role": word}
    return {"role": None, "a_role": None}


def _article(word: str) -> str:
    lowered = word.lower()
    if lowered.startswith(("uni", "use", "usu", "eu", "one")):
        return "a"
    if lowered.startswith("lgbt") or lowered[:1] in "aeiou":
        return "an"
    return "a"


def _english_plural(word: str) -> str:
    head, _, last = word.rpartition(" ")
    if last.endswith(("s", "x", "ch", "sh")):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}".strip()
