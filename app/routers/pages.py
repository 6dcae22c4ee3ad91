"""HTML pages. Handlers only pick a template and the language; the engine speaks over /ws."""

from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app import i18n
from app.labs import LABS
from app.labs.backprop import presets as backprop_presets
from app.labs.batchnorm import presets as batchnorm_presets
from app.labs.common import generative_presets
from app.labs.common.tours import TOURS, tour_link
from app.labs.conv import presets as conv_presets
from app.labs.neurons.presets import PRESETS
from app.labs.playground import presets as playground_presets
from app.labs.rnn import presets as rnn_presets
from app.pages import SECTIONS

router = APIRouter(tags=["pages"])

ONE_YEAR = 365 * 24 * 3600
RETRY_SECONDS = 60


def here_without_lang(request: Request) -> str:
    """This page's path and query for the language switch, minus `lang` (which would win)."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    return request.url.path + (f"?{query}" if query else "")


def render(request: Request, template: str, **context) -> HTMLResponse:
    settings = request.app.state.settings
    lang = i18n.choose_language(request, settings.default_language)
    # A lab page would open a session: when the server is full, say so kindly instead.
    full = "lab" in context and request.app.state.runtime.sessions.full
    if full:
        template, context = "full.html", {"page": "full", "retry_seconds": RETRY_SECONDS}

    def t(key: str, **params: object) -> str:
        return i18n.translate(lang, key, **params)

    page, lab = context.get("page"), context.get("lab")
    classroom = {
        "tour": TOURS.get(page),  # guided tour, share and export: see app/tours, share.js
        "tours": TOURS,
        "trainable": lab is not None and LABS[lab].trainable,
        "has_weights": lab is not None and LABS[lab].has_weights(),
        "here": here_without_lang(request),
    }
    response = request.app.state.templates.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "t": t,
            "catalog": i18n.catalog(lang),
            "sections": SECTIONS,
            **classroom,
            **context,
        },
    )
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, lang, max_age=ONE_YEAR, samesite="lax")
    if full:
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_SECONDS)
        response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    lessons = [(s, tour_link(s.number, s.path)) for s in SECTIONS]
    return render(request, "home.html", page="home", lessons=lessons)


@router.get("/neurons", response_class=HTMLResponse)
def neurons(request: Request) -> HTMLResponse:
    return render(request, "neurons.html", page="neurons", lab="neurons", presets=list(PRESETS))


@router.get("/conv", response_class=HTMLResponse)
def conv(request: Request) -> HTMLResponse:
    return render(request, "conv.html", page="conv", lab="conv", figures=list(conv_presets.FIGURES))


@router.get("/batchnorm", response_class=HTMLResponse)
def batchnorm(request: Request) -> HTMLResponse:
    return render(
        request,
        "batchnorm.html",
        page="batchnorm",
        lab="batchnorm",
        presets=list(batchnorm_presets.PRESETS),
    )


@router.get("/rnn", response_class=HTMLResponse)
def rnn(request: Request) -> HTMLResponse:
    return render(request, "rnn.html", page="rnn", lab="rnn", presets=list(rnn_presets.PRESETS))


def generative_page(request: Request, name: str) -> HTMLResponse:
    """The B.8 pages: their controls show this server's limits."""
    s = request.app.state.settings
    return render(
        request,
        f"{name}.html",
        page=name,
        lab=name,
        max_latent=s.max_latent,
        max_width=s.max_generative_width,
        max_points=s.max_drawn_points,
        presets=list(
            generative_presets.AUTOENCODER_PRESETS
            if name == "autoencoder"
            else generative_presets.GAN_PRESETS
        ),
    )


@router.get("/autoencoder", response_class=HTMLResponse)
def autoencoder(request: Request) -> HTMLResponse:
    return generative_page(request, "autoencoder")


@router.get("/gan", response_class=HTMLResponse)
def gan(request: Request) -> HTMLResponse:
    return generative_page(request, "gan")


@router.get("/backprop", response_class=HTMLResponse)
def backprop(request: Request) -> HTMLResponse:
    return render(
        request,
        "backprop.html",
        page="backprop",
        lab="backprop",
        presets=list(backprop_presets.PRESETS),
    )


@router.get("/descent", response_class=HTMLResponse)
def descent(request: Request) -> HTMLResponse:
    return render(request, "descent.html", page="descent", lab="descent")


@router.get("/playground", response_class=HTMLResponse)
def playground(request: Request) -> HTMLResponse:
    return render(
        request,
        "playground.html",
        page="playground",
        lab="playground",
        presets=list(playground_presets.PRESETS),
    )


@router.get("/lang/{code}")
def set_language(code: str, next: str = "/") -> RedirectResponse:
    """Remember the language in a cookie, then go back to the page the switch was on."""
    # Only same-site paths: a crafted `next` must not turn this into an open redirect.
    target = urlsplit(next)
    safe_next = next if not target.scheme and not target.netloc and next.startswith("/") else "/"
    response = RedirectResponse(safe_next, status_code=303)
    if code in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, code, max_age=ONE_YEAR, samesite="lax")
    return response
