"""Phrases that page chrome is made of, in many languages, by kind.

These are the fixed words of site software (share buttons, log-in links,
comment widgets, cookie banners, copyright lines), not the words of any one
page. A phrase only marks a block as chrome together with its other features
(a short block that is little else than the phrase); the classifier decides.

Phrases are word sequences matched on word boundaries (`ANYWHERE`), at the
start of a block (`AT_START`), as the whole block (`WHOLE`), or at its end
(`AT_END`); `UNSPACED` are substrings for languages that glue words together.
Matching is dictionary look-ups of a block's first words and word n-grams, so
it costs the same however many phrases are listed.

>>> chrome_kind("Share this article"), chrome_kind("등록된 댓글이 없습니다."), chrome_kind("Alle Rechte vorbehalten.")
('share buttons', 'comments', 'copyright')
>>> chrome_kind("Jane Doe says:"), chrome_kind("Page 2 of 7"), chrome_kind("Tags: politics, economy")
('comments', 'pagination', 'tags')
>>> chrome_kind("The soldiers crossed the river at night.") is None
True
"""
from __future__ import annotations

import re

ANYWHERE: dict[str, list[str]] = {
    "skip link": [
        "skip to content", "skip to main content", "skip navigation", "skip to navigation", "jump to content",
        "jump to navigation", "zum inhalt", "zum hauptinhalt", "saltar al contenido", "ir al contenido",
        "перейти к содержанию", "перейти к основному содержанию", "aller au contenu", "vai al contenuto",
        "pular para o conteúdo", "ir para o conteúdo",
    ],
    "login": [
        "log in", "login", "log out", "logout", "sign in", "sign up", "sign out", "my account", "register",
        "forgot your password", "forgot password", "anmelden", "abmelden", "registrieren", "inloggen",
        "iniciar sesión", "regístrate", "registrarse", "cerrar sesión", "войти", "выйти", "вход", "регистрация",
        "se connecter", "connexion", "s inscrire", "accedi", "entrar", "registrati",
    ],
    "share buttons": [
        "share", "tweet", "pin it", "email this", "facebook", "twitter", "whatsapp", "linkedin", "pinterest",
        "telegram", "reddit", "vkontakte", "kakaotalk", "kakaostory", "teilen", "compartir", "comparte",
        "поделиться", "partager", "condividi", "compartilhe", "compartilhar",
    ],
    "comments": [
        "comment", "comments", "leave a reply", "leave a comment", "post a comment", "reply", "kommentar",
        "kommentare", "kommentieren", "antworten", "comentario", "comentarios", "responder", "комментарий",
        "комментарии", "комментариев", "комментария", "ответить", "commentaire", "commentaires", "répondre",
        "commenti", "commento", "comentário", "comentários", "commented on",
    ],
    "related articles": [
        "related articles", "related article", "related posts", "related post", "related stories",
        "related content", "related news", "related links", "read more", "read also", "read next", "more from",
        "more stories", "more news", "you may also like", "you might also like", "you may like",
        "you might like", "recommended", "most popular", "most read", "most viewed", "most shared", "trending",
        "see also", "ähnliche artikel", "ähnliche beiträge", "mehr zum thema", "weitere artikel",
        "auch interessant", "meistgelesen", "meistgelesene", "artículos relacionados", "noticias relacionadas",
        "te puede interesar", "lo más leído", "lo más visto", "leer más", "похожие статьи", "похожие новости",
        "похожие записи", "похожие материалы", "читайте также", "популярное", "читать далее", "à lire aussi",
        "articles similaires", "lire la suite", "leggi anche", "articoli correlati", "leia também", "leia mais",
    ],
    "cookie banner": ["cookie", "cookies", "gdpr", "куки"],
    "pagination": ["older posts", "newer posts", "older entries", "newer entries", "next page", "previous page"],
    "copyright": [
        "copyright", "all rights reserved", "alle rechte vorbehalten", "todos los derechos reservados",
        "все права защищены", "tous droits réservés", "tutti i diritti riservati", "todos os direitos reservados",
        "privacy policy", "terms of use", "terms of service", "impressum", "datenschutz",
        "datenschutzerklärung", "aviso legal", "política de privacidad", "политика конфиденциальности",
        "mentions légales",
    ],
    "subscribe": [
        "subscribe", "newsletter", "sign up for", "abonnieren", "suscríbete", "suscribirse", "suscribete",
        "подписаться", "подпишитесь", "s abonner", "iscriviti", "assine",
    ],
}
AT_START: dict[str, list[str]] = {
    "tags": ["tags", "tag", "tagged", "schlagwörter", "stichwörter", "etiquetas", "теги", "метки", "mots clés",
             "mots clefs", "category", "categories", "categoría", "categorías", "kategorie", "kategorien",
             "рубрика", "рубрики"],
    "pagination": ["next", "previous", "prev", "older", "newer", "weiter", "zurück", "nächste", "vorherige",
                   "siguiente", "anterior", "далее", "назад", "следующая", "предыдущая", "suivant", "précédent",
                   "successivo", "precedente", "próximo", "próxima"],
    "advertisement": ["sponsored", "advertisement", "anzeige", "publicidad", "реклама"],
}
WHOLE: dict[str, list[str]] = {
    "navigation": [
        "home", "menu", "search", "contact", "contact us", "about", "about us", "sitemap", "site map", "main menu",
        "navigation", "startseite", "suche", "kontakt", "menü", "inicio", "buscar", "contacto", "menú",
        "главная", "поиск", "меню", "контакты", "accueil", "recherche", "rechercher", "back to top", "nach oben",
        "volver arriba", "наверх", "print", "print this", "print this article", "print this page", "email",
        "e mail", "top",
    ],
    "advertisement": ["advertisement", "werbung", "publicité", "pubblicità", "publicidade", "ad"],
}
AT_END: dict[str, list[str]] = {
    # a comment's header: "NAME says:", "NAME schrieb:" ...
    "comments": ["says", "wrote", "writes", "replied", "schrieb", "escribió", "написал", "написала", "a écrit",
                 "ha scritto"],
}
UNSPACED: dict[str, list[str]] = {
    "skip link": ["본문바로가기", "본문 바로가기", "메뉴 바로가기", "メインコンテンツへ", "跳到主要内容", "跳至主要内容"],
    "login": ["로그인", "로그아웃", "회원가입", "ログイン", "登录", "登入"],
    "share buttons": ["공유하기", "페이스북", "트위터", "카카오", "シェア", "分享"],
    "comments": ["댓글", "コメント", "评论", "留言"],
    "related articles": ["관련기사", "관련 기사", "관련글", "많이 본", "인기기사", "関連記事", "相关文章", "相关阅读"],
    "tags": ["태그"],
    "cookie banner": ["쿠키"],
    "pagination": ["다음글", "이전글"],
    "copyright": ["©", "ⓒ", "무단전재", "무단 전재", "재배포 금지", "재배포금지", "저작권", "개인정보처리방침", "개인정보 처리방침",
                  "이용약관", "著作権", "版权所有"],
    "subscribe": ["구독"],
    "navigation": ["맨위로", "맨 위로"],
}
WHOLE_UNSPACED: dict[str, list[str]] = {
    "navigation": ["홈", "메뉴", "검색", "사이트맵", "전체메뉴"],
    "advertisement": ["광고", "广告", "広告"],
    "pagination": ["목록", "다음", "이전"],
}

_PAST_SAY = frozenset({"said", "dijo", "disse", "sagte", "сказал"})

# Kinds whose phrase marks even a long block (banners are sentences).
LONG_BLOCK_KINDS = frozenset({"cookie banner", "copyright"})
SHORT_BLOCK_CHARS = 160
MAX_NGRAM = 4

_WORD = re.compile(r"\w+")
# Pagination ("Page 2 of 7", "1 2 3 … 9", "‹ Older", "Newer ›") and "(c) 2021", each
# pattern tried only when the characters it starts or ends with are there.
_PAGE_N_OF = re.compile(r"\bpage \d+ of \d+\b")
_PAGE_NUMBERS = re.compile(r"\d+(?:\s+\d+){2,}(?:\s*(?:…|\.\.\.)\s*\d+)?$")
_PAGE_ARROW_LEFT = re.compile(r"[‹«<]+\s")
_PAGE_ARROW_RIGHT = re.compile(r"\s[›»>]+$")
_COPYRIGHT_C = re.compile(r"\(c\)\s*\d{4}")
_COOKIE_WORD = re.compile(r"\bcookies?\b|куки|쿠키|クッキー")
_COOKIE_HINTS = ("cookie", "куки", "쿠키", "クッキー")  # one of them is in any text _COOKIE_WORD matches
COOKIE_BANNER_MAX_WORDS = 80  # a banner is a sentence or two; an article about cookies is longer


def _index(table: dict[str, list[str]]) -> dict[str, str]:
    return {" ".join(_WORD.findall(p.lower())): kind for kind, phrases in table.items() for p in phrases}


_ANYWHERE, _AT_START, _WHOLE, _AT_END = (_index(t) for t in (ANYWHERE, AT_START, WHOLE, AT_END))
_UNSPACED = [(p, kind) for kind, ps in UNSPACED.items() for p in ps]
_WHOLE_UNSPACED = {p: kind for kind, ps in WHOLE_UNSPACED.items() for p in ps}
_FIRST_WORDS = frozenset(k.split(" ", 1)[0] for k in _ANYWHERE)
_START_FIRST = frozenset(k.split(" ", 1)[0] for k in _AT_START)
PHRASE_MAX_WORDS = 12  # longer blocks are sentences; only banners and notices are judged


def _phrase_kind(words: list[str]) -> str | None:
    """The kind of the first listed phrase among the words' n-grams."""
    n = len(words)
    if _FIRST_WORDS.isdisjoint(words):
        return None
    for i, w in enumerate(words):
        if w not in _FIRST_WORDS:
            continue
        gram = w
        kind = _ANYWHERE.get(gram)
        if kind:
            return kind
        for j in range(i + 1, min(n, i + MAX_NGRAM)):
            gram += " " + words[j]
            kind = _ANYWHERE.get(gram)
            if kind:
                return kind
    return None


def _long_kind(t: str) -> str | None:
    """Cookie banner or copyright notice, the chrome that comes in sentences."""
    head, tail = t[:SHORT_BLOCK_CHARS], t[-SHORT_BLOCK_CHARS:]
    if len(t) < 1000:
        low = t.lower()
        if (any(h in low for h in _COOKIE_HINTS) and _COOKIE_WORD.search(low)
                and len(t.split()) <= COOKIE_BANNER_MAX_WORDS):
            return "cookie banner"
    if "©" in head or "©" in tail or "ⓒ" in head or "ⓒ" in tail:
        return "copyright"
    low = head.lower()
    if low.startswith("copyright") or "rights reserved" in low or "rights reserved" in tail.lower():
        return "copyright"
    return None


def _pagination_kind(t: str) -> str | None:
    """'pagination' for page links, 'copyright' for a line opening with '(c) YEAR'
    (`t` lowercased and stripped, not empty).

    >>> _pagination_kind("page 2 of 7"), _pagination_kind("1 2 3 … 9"), _pagination_kind("(c) 2021 acme")
    ('pagination', 'pagination', 'copyright')
    >>> _pagination_kind("newer posts ›"), _pagination_kind("« back"), _pagination_kind("chapter 3") is None
    ('pagination', 'pagination', True)
    """
    if t.startswith("(c)") and _COPYRIGHT_C.match(t):
        return "copyright"
    if (("page " in t and _PAGE_N_OF.search(t)) or (t[0].isdigit() and _PAGE_NUMBERS.match(t))
            or (t[0] in "‹«<" and _PAGE_ARROW_LEFT.match(t)) or (t[-1] in "›»>" and _PAGE_ARROW_RIGHT.search(t))):
        return "pagination"
    return None


def chrome_kind(text: str, words: list[str] | None = None) -> str | None:
    """The kind of chrome phrase a block contains (None if none). Long blocks
    are only judged for cookie banners and copyright notices. `words`, the
    block's lowercased words if the caller has them, saves splitting again."""
    t = text.strip()
    if len(t) > SHORT_BLOCK_CHARS:
        return _long_kind(t)
    t = t.lower()
    if words is None:
        words = _WORD.findall(t)
    if len(words) > PHRASE_MAX_WORDS:  # a sentence that mentions a phrase is not made of it
        return _long_kind(text.strip())
    joined = " ".join(words)
    kind = _WHOLE.get(joined) or _WHOLE_UNSPACED.get(joined)
    if kind:
        return kind
    if words and words[0] in _START_FIRST:
        for k in range(min(3, len(words)), 0, -1):
            kind = _AT_START.get(" ".join(words[:k]))
            if kind and (":" in t[:40] or len(words) <= k + 3 and t[-1:] not in ".!?"):
                return kind
    if t.endswith(":") and len(words) > 1:
        for k in (2, 1):
            if len(words) > k and (kind := _AT_END.get(" ".join(words[-k:]))):
                return kind
        if words[-1] in _PAST_SAY and any(ch.isdigit() for ch in t):  # "NAME on DATE said:"
            return "comments"
    kind = _pagination_kind(t) if t else None
    if kind:
        return kind
    kind = _phrase_kind(words)
    if kind:
        return kind
    if not t.isascii() and max(t) >= "\u3040":  # CJK or Hangul present
        for p, kind in _UNSPACED:
            if p in t:
                return kind
    return None
