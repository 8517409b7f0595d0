"""Capitalised words that are not people's names: titles, institutions,
places, months and sentence openers, in the UAs' languages."""

NOT_NAMES = frozenset("""
A An The This That These Those He She His Her Hers They Their Them We Our You Your It Its I
In On At Of For From To By With And Or But As If When While After Before Since During Under
Mr Mrs Ms Miss Dr Sr Sra Srta Don Doña Herr Frau Mme Mlle Monsieur Madame Dear Yours Sincerely
His Her Excellency Excelencia Excellence Exzellenz Honourable Hon
Amnesty International Human Rights Urgent Action Actions Network Acción Urgente Eilaktion
Defender Defenders Prisoner Conscience Activist Journalist Lawyer Student Leader
Criminal Code Penal Article Articles Law Constitution Court Courts Supreme Tribunal Justice
Ministry Minister Ministro Ministre Ministerin Ministerium Ministerio Ministère Department
Office Prosecutor Prosecutor's General Generalstaatsanwalt Procurador Procureur Fiscal
President Presidente Président Präsident Präsidentin Prime Premier Governor Gobernador Gouverneur
Ambassador Embajador Embajadora Ambassadeur Botschafter Botschafterin Embassy Embajada Ambassade
Botschaft Mission Permanent Consulate Head Chief Director Secretary Chair Chairman Commissioner
Attorney Judge Mayor Police Policía Police Polizei Army Military Security Forces Service
Republic República République Republik Kingdom Federation Federal State States Nations United
Union European Council Commission Committee Assembly Parliament Government Authorities
Region Regional Autonomous Province Provincia District City Capital Street Avenue Road Prospect
Calle Avenida Rue Straße Strasse Square Plaza Place Building Palace Palacio Palais Floor Box
University Universidad Université Universität School College Institute Party Group Working
Organisation Organization Organización NGO Movement Association Foundation Centre Center
Detention Arbitrary Report Reports Office Social Media Guidance Messaging Twitter Facebook
Instagram Email Fax Phone Tel Salutation Date Fecha Datum Index Background Information
Additional Further Update Please Take Write Send Appeals Preferred Language Name Pronoun
January February March April May June July August September October November December
Enero Febrero Marzo Abril Mayo Junio Julio Agosto Septiembre Octubre Noviembre Diciembre
Janvier Février Mars Avril Mai Juin Juillet Août Septembre Octobre Novembre Décembre
Januar Februar März Juni Juli Oktober Dezember
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
Muslim Muslims Christian Uighur Uighurs Uyghur Uyghurs Kazakh Kazakhs Kazakhstani Chinese
London Geneva Washington Islamic Democratic
Legal Officer Spokesperson Researcher UN UA AU
Estimado Estimada Señor Señora Señorías Sehr Geehrte Geehrter Liebe Lieber
Tras Según Durante Desde Para Por Con Sin Los Las Del El La Le Les Des Du Der Die Das Dem Den
Nach Seit Laut Am Im Bei Aux Selon Depuis Pendant Après Avant
""".split())  # noqa: SIM905 - a word list reads best as text
