"""The playground page in headless Chromium: an applicant uploads documents and submits, the
staff view shows the card with the photo, a click on Pass, and the decision arrives.
Needs Debian's chromium (installed by .ci/run); skipped with a reason when it is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.runner import RunningBot
from tests.e2e.conftest import StartBot, make_config
from tests.e2e.test_registration_rules import fill_by_service
from tgsim import Simulator

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


async def prepared_to_upload(running: RunningBot, telegram_id: int) -> None:
    """Everything typed already (through the services); the documents are left to the page."""
    svc = running.services
    applicant = await svc.applicants.seen(telegram_id, None, "id")
    await fill_by_service(svc, applicant.id, nik="5207014508950003")
    async with svc.db.write() as conn:
        await conn.execute("DELETE FROM documents WHERE applicant_id = ?", (applicant.id,))


@pytest.mark.timeout(180)
async def test_register_upload_review_and_pass_in_the_browser(
    sim: Simulator, bot_runner: StartBot, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright, expect

    staff = sim.user("Petugas", language_code="id")
    group = sim.group("Panitia", members=[staff], admins=[staff])
    running = await bot_runner(make_config(sim, tmp_path / "db.sqlite3",
                                           staff_chat_id=group.chat_id))
    siti = sim.user("Siti", language_code="id")
    await prepared_to_upload(running, siti.id)
    photo = tmp_path / "ktp.png"
    photo.write_bytes(PNG)
    pdf = tmp_path / "ijazah.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% ijazah\n")
    OUTPUT.mkdir(exist_ok=True)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(viewport={"width": 390, "height": 844})
        await page.goto(f"{sim.url}/#user={siti.id}")
        messages = page.get_by_test_id("messages")

        async def say(text: str) -> None:
            await page.get_by_test_id("message-input").fill(text)
            await page.get_by_test_id("send").click()

        await say("/daftar")
        await expect(messages).to_contain_text("Unggah foto", timeout=15000)
        await page.get_by_test_id("upload-photo-input").set_input_files(str(photo))
        await expect(messages).to_contain_text("pasfoto terbaru", timeout=15000)
        await page.get_by_test_id("upload-photo-input").set_input_files(str(photo))
        await expect(messages).to_contain_text("ijazah terakhir", timeout=15000)
        await page.get_by_test_id("upload-document-input").set_input_files(str(pdf))
        await expect(messages).to_contain_text("Periksa data pendaftaran", timeout=15000)
        await page.locator('[data-testid="button"][data-label="📨 Kirim pendaftaran"]').last.click()
        await page.locator('[data-testid="button"][data-label="Ya, kirim"]').last.click()
        await expect(messages).to_contain_text("menunggu pemeriksaan administrasi",
                                               timeout=15000)

        await page.goto(f"{sim.url}/#view=staff&group={group.chat_id}&as={staff.id}")
        await page.reload()
        await expect(messages).to_contain_text("Pendaftaran #1", timeout=20000)
        await expect(page.get_by_test_id("photo").first).to_be_visible()
        await page.screenshot(path=str(OUTPUT / "playground-staff.png"))
        await page.locator('[data-testid="button"][data-label="✅ Lulus"]').last.click()

        await page.goto(f"{sim.url}/#user={siti.id}")
        await page.reload()
        await expect(messages).to_contain_text("lulus seleksi administrasi", timeout=20000)
        await page.screenshot(path=str(OUTPUT / "playground-applicant.png"))
        await browser.close()
    status = await running.services.db.fetchone("SELECT status FROM applications")
    assert status[0] == "admin_passed"
