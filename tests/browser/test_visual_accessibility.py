"""What the automatic checkers cannot see, measured in Chromium (issue 15 §4, WCAG 2.1 AA):

- 1.4.11 non-text contrast: the borders of text fields, selects, checkboxes and radio buttons, and the focus ring,
  reach 3:1 against the background they sit on (Bootstrap's default field border is 1.30:1);
- 1.4.12 text spacing: with the spacing of the success criterion forced on every element, nothing is clipped and
  nothing makes the page scroll sideways;
- 1.4.4 resize text: at 200 % zoom (a 1280 px window shows 640 CSS px) the menu, the person's name, "Logga ut" and
  the page's content stay on screen, without sideways scrolling.
"""

from itertools import chain

import pytest
from django.urls import reverse

from tests.browser.helpers import each_menu_link, login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The contrast of two computed colours, and the colour behind an element (the first ancestor with a background).
CONTRAST_JS = """
window.__luminance = (rgb) => {
  const [r, g, b] = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
window.__contrast = (a, b) => {
  const [x, y] = [__luminance(a), __luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};
window.__background = (element) => {
  for (let e = element.parentElement; e; e = e.parentElement) {
    const colour = getComputedStyle(e).backgroundColor;
    const alpha = colour.match(/[\\d.]+/g)[3];
    if (alpha === undefined || Number(alpha) > 0) return colour;
  }
  return 'rgb(255, 255, 255)';
};
"""
# A <select> that Tom Select enhanced is hidden (class tomselected); what people see and use is its wrapper,
# which carries the select's form-select class, so the wrapper is measured instead.
CONTROLS = """() => [...document.querySelectorAll(
    'input.form-control, textarea.form-control, select.form-select, input.form-check-input, '
    + '.ts-wrapper.form-select, .ts-wrapper.form-control')]
  .filter(e => e.offsetParent !== null && !e.disabled && !e.classList.contains('tomselected'))
  .map(e => ({control: (e.type || e.tagName) + '#' + e.id, border: getComputedStyle(e).borderTopColor,
              width: parseFloat(getComputedStyle(e).borderTopWidth), checked: e.checked,
              behind: __background(e)}))
  .map(c => ({...c, ratio: __contrast(c.border, c.behind)}))"""
FOCUS_RING = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {control: e.tagName + '#' + e.id, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          ratio: __contrast(s.outlineColor, __background(e))}; }"""
# WCAG 1.4.12's own test values, set through the CSSOM (the portal's Content-Security-Policy refuses a <style>
# element, as it should; a bookmarklet sets them the same way).
TEXT_SPACING = """() => { for (const e of document.querySelectorAll('body, body *')) {
    e.style.setProperty('line-height', '1.5', 'important');
    e.style.setProperty('letter-spacing', '0.12em', 'important');
    e.style.setProperty('word-spacing', '0.16em', 'important');
    if (e.tagName === 'P') e.style.setProperty('margin-bottom', '2em', 'important');
  } }"""
CLIPPED = """() => [...document.querySelectorAll('body *')].filter(e => {
    const s = getComputedStyle(e);
    if (e.closest('.visually-hidden, .visually-hidden-focusable:not(:focus)') || e.offsetParent === null) return false;
    if (['SELECT', 'TEXTAREA', 'OPTION'].includes(e.tagName)) return false;  // they scroll their own content
    const hidesX = ['hidden', 'clip'].includes(s.overflowX), hidesY = ['hidden', 'clip'].includes(s.overflowY);
    return (hidesX && e.scrollWidth > e.clientWidth + 1) || (hidesY && e.scrollHeight > e.clientHeight + 1);
  }).slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + String(e.className).split(' ').join('.')
                          + ': ' + (e.innerText || '').slice(0, 60))"""
SCROLL_WIDTH = "document.documentElement.scrollWidth - window.innerWidth"

KEY_PAGES = {
    "coordinator": ["accounts:dashboard-coordinator", "companies:registry-list", "companies:company-create",
                    "placements:participant-list", "core:notification-preferences", "core:help-coordinator"],
    "officer": ["accounts:dashboard-procurement", "procurement:officer-tender-list", "procurement:tender-create"],
    "company_rep": ["accounts:dashboard-company", "procurement:tender-list", "placements:offer-create"],
    "admin_user": ["accounts:dashboard-administrator"],
}  # fmt: skip
FORMS = [("coordinator", "companies:company-create"), ("coordinator", "core:notification-preferences"),
         ("coordinator", "companies:registry-list"), ("officer", "procurement:tender-create"),
         ("company_rep", "placements:offer-create")]  # fmt: skip


@pytest.fixture
def signed_in(page, live_server, request):
    def sign_in(role):
        user = request.getfixturevalue(role)
        if role == "company_rep":
            from tests.companies.factories import RepresentativeFactory

            RepresentativeFactory(user=user)
        login_as(page, live_server, user)
        page.add_init_script(CONTRAST_JS)
        return page

    return sign_in


@pytest.mark.parametrize(("role", "url_name"), FORMS)
def test_form_controls_and_checkboxes_have_borders_of_at_least_3_to_1(signed_in, live_server, role, url_name):
    page = signed_in(role)
    page.goto(f"{live_server.url}{reverse(url_name)}")
    controls = page.evaluate(CONTROLS)
    assert controls, "the page has no form controls to measure"
    weak = [c for c in controls if c["ratio"] < 3 or c["width"] < 1]
    assert weak == [], weak
    if url_name == "companies:company-create":
        assert any(c["control"].startswith("checkbox") and not c["checked"] for c in controls)


@pytest.mark.parametrize(("role", "url_name"), FORMS[:2])
def test_the_focus_ring_reaches_3_to_1_on_fields_checkboxes_and_buttons(
    signed_in, live_server, role, url_name
):
    page = signed_in(role)
    page.goto(f"{live_server.url}{reverse(url_name)}")
    rings = []
    for selector in ["main input.form-control", "main input.form-check-input", "main select", "main .btn"]:
        control = page.locator(selector).first
        if control.count():
            control.focus()
            page.keyboard.press("Shift+Tab")  # arrive by keyboard, as :focus-visible wants
            page.keyboard.press("Tab")
            rings.append(page.evaluate(FOCUS_RING))
    assert rings
    weak = [r for r in rings if r["style"] == "none" or r["width"] < 2 or r["ratio"] < 3]
    assert weak == [], weak


def test_the_focus_ring_in_the_dark_header_reaches_3_to_1(signed_in, live_server):
    page = signed_in("coordinator")
    page.goto(f"{live_server.url}{reverse('accounts:dashboard-coordinator')}")
    page.locator("#main-menu a").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate(FOCUS_RING)
    assert ring["style"] != "none" and ring["ratio"] >= 3, ring


@pytest.mark.parametrize("role", list(KEY_PAGES))
def test_wcag_text_spacing_clips_nothing_and_widens_nothing_on_key_pages(signed_in, live_server, role):
    page = signed_in(role)
    problems = []
    for url_name in KEY_PAGES[role]:
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}{reverse(url_name)}")
            page.evaluate(TEXT_SPACING)
            if clipped := page.evaluate(CLIPPED):
                problems.append(f"{url_name} at {width} px: clipped {clipped}")
            if (overflow := page.evaluate(SCROLL_WIDTH)) > 0:
                problems.append(f"{url_name} at {width} px: {overflow} px too wide")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("role", list(KEY_PAGES))
def test_at_200_percent_zoom_nothing_is_lost(browser, live_server, request, role):
    user = request.getfixturevalue(role)
    if role == "company_rep":
        from tests.companies.factories import RepresentativeFactory

        RepresentativeFactory(user=user)
    # A 1280 x 800 window at 200 %: 640 x 400 CSS pixels, each drawn as 2 x 2 device pixels.
    context = browser.new_context(
        viewport={"width": 640, "height": 400}, device_scale_factor=2, locale="sv-SE"
    )
    page = context.new_page()
    try:
        login_as(page, live_server, user)
        for url_name in KEY_PAGES[role]:
            page.goto(f"{live_server.url}{reverse(url_name)}")
            assert page.evaluate(SCROLL_WIDTH) <= 0, url_name
            assert page.evaluate(CLIPPED) == [], url_name
            fixed = [page.get_by_role("heading", level=1), page.locator(".portal-user"),
                     page.get_by_role("button", name="Logga ut")]  # fmt: skip
            for element in chain(fixed, each_menu_link(page)):
                box = element.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 640, (url_name, element)
    finally:
        context.close()
