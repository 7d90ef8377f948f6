// The seed's testing checklist, automated: sign in with a wallet, connect each sandbox
// persona, read the verified figures and score, error messages, reconnect, disconnect,
// isolation between wallets, the dashboard without JavaScript, accessibility.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { newKey, chooseMarket, consent, connectWithButton, injectWallet, signInOverHttp, signInWithButton } from './support';

test.describe('with a browser wallet', () => {
  test.beforeEach(async ({ page }) => {
    await injectWallet(page, newKey());
  });

  test('a seller connects and sees GMV $15,000, net $14,250 and $4,750 a month', async ({ page }, testInfo) => {
    await signInWithButton(page);
    await connectWithButton(page, 'seller-boutique');
    await expect(page.getByTestId('connect-success')).toBeVisible();
    const card = page.getByTestId('connection-card').first();
    await expect(card.getByTestId('gmv')).toHaveText('$15,000.00');
    await expect(card.getByTestId('net-revenue')).toHaveText('$14,250.00');
    await expect(card.getByTestId('connection-monthly')).toHaveText('$4,750.00');
    await expect(page.getByTestId('monthly-income')).toContainText('$4,750.00');
    await expect(page.getByTestId('score-value')).toHaveText(/^\d{1,3} \/ 100$/);
    await expect(page.getByTestId('factor-revenue')).toBeVisible();
    await expect(page.getByTestId('reasons-down').or(page.getByTestId('reasons-up')).first()).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('dashboard.png'), fullPage: true });
    await testInfo.attach('dashboard', { path: testInfo.outputPath('dashboard.png'), contentType: 'image/png' });
  });

  test('a creator connects and sees $4,500 settled commission', async ({ page }) => {
    await signInWithButton(page);
    await connectWithButton(page, 'creator-fashion', 'tiktok-connect-creator');
    const card = page.getByTestId('connection-card').first();
    await expect(card.getByTestId('commission')).toHaveText('$4,500.00');
    await expect(card.getByTestId('connection-monthly')).toHaveText('$1,500.00');
  });

  test('a hybrid seller-creator totals $13,000, $4,333.33 a month, with both sources', async ({ page }) => {
    await signInWithButton(page);
    await connectWithButton(page, 'hybrid');
    await connectWithButton(page, 'hybrid', 'tiktok-connect-creator');
    await expect(page.getByTestId('total-income')).toContainText('$13,000.00');
    await expect(page.getByTestId('monthly-income')).toContainText('$4,333.33');
    await expect(page.getByTestId('source-shares').locator('li')).toHaveCount(2);
  });

  for (const [persona, code, text] of [
    ['no-shop', 'no_shop', 'No active TikTok Shop found. Please set up your shop first.'],
    ['restricted-region', 'restricted_region', 'TikTok Shop is not available in your region yet.'],
  ] as const) {
    test(`the ${persona} persona is explained: ${code}`, async ({ page }) => {
      await signInWithButton(page);
      await connectWithButton(page, persona);
      const notice = page.getByTestId('connect-error-message');
      await expect(notice).toHaveAttribute('data-code', code);
      await expect(notice).toContainText(text);
      await expect(page.getByTestId('connection-card')).toHaveCount(0);
    });
  }

  test('a missing finance permission connects and names the permission', async ({ page }) => {
    await signInWithButton(page);
    await connectWithButton(page, 'missing-finance-scope');
    await expect(page.getByTestId('fetch-issues')).toContainText('seller.finance.info');
    await expect(page.getByTestId('score-confidence')).not.toHaveText('Confidence: HIGH');
  });

  test('denying consent says so and connects nothing', async ({ page }) => {
    await signInWithButton(page);
    await chooseMarket(page);
    await page.getByTestId('tiktok-connect').first().click();
    await consent(page, 'deny');
    await expect(page.getByTestId('connect-error-message')).toContainText('You declined access on TikTok Shop');
  });

  test('an empty shop is accepted with $0 and a score above zero', async ({ page }) => {
    await signInWithButton(page);
    await connectWithButton(page, 'empty-shop');
    await expect(page.getByTestId('monthly-income')).toContainText('$0.00');
    await expect(page.getByTestId('score-value')).not.toHaveText(/^0 /);
  });

  test('reconnecting keeps one connection; disconnecting removes it', async ({ page }) => {
    await signInWithButton(page);
    await connectWithButton(page, 'seller-boutique');
    await connectWithButton(page, 'seller-boutique');
    await expect(page.getByTestId('connection-card')).toHaveCount(1);
    await page.getByTestId('disconnect').click();
    await expect(page.getByTestId('connection-card')).toHaveCount(0);
    await expect(page.getByTestId('dashboard-empty')).toBeVisible();
  });

  test('signing out everywhere from the dashboard signs this browser out', async ({ page }) => {
    await signInWithButton(page);
    await page.goto('/dashboard');
    // Hydrated: the chip's own sign-out button is enabled then. The form is sent by the page.
    await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeEnabled();
    const sent = page.waitForRequest((r) => r.url().endsWith('/api/wallet/logout-everywhere') && r.resourceType() === 'fetch');
    await page.getByTestId('sign-out-everywhere').click();
    await sent;
    await expect(page.getByTestId('wallet-sign-in')).toBeVisible();
    expect(await (await page.request.get('/api/wallet/me')).json()).toBeNull();
  });

  test('a second wallet sees none of the first one\'s data', async ({ page, browser }) => {
    await signInWithButton(page);
    await connectWithButton(page, 'seller-boutique');
    const other = await browser.newPage();
    await injectWallet(other, newKey());
    await signInWithButton(other);
    await other.goto('/dashboard');
    await expect(other.getByTestId('dashboard-empty')).toBeVisible();
    await expect(other.getByTestId('connection-card')).toHaveCount(0);
    const api = await other.request.get('/api/connections');
    expect(await api.json()).toEqual([]);
    await other.close();
  });

  test('the dashboard has no serious accessibility violations', async ({ page }) => {
    await signInWithButton(page);
    await connectWithButton(page, 'hybrid');
    await connectWithButton(page, 'hybrid', 'tiktok-connect-creator');
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
  });
});

test('without a wallet extension the page says so', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('#wallet-help')).toContainText('No wallet found in this browser');
  await expect(page.getByTestId('tiktok-connect').first()).toBeDisabled();
});

test('the dashboard reads without JavaScript after connecting @nojs', async ({ page, baseURL }) => {
  await signInOverHttp(page.request, baseURL!, newKey());
  const { authUrl } = await (await page.request.get(
    `/api/tiktokshop/auth?market=global&wallet=${(await (await page.request.get('/api/wallet/me')).json()).address}`,
  )).json();
  await page.goto(authUrl);
  await consent(page, 'seller-boutique');
  await expect(page.getByTestId('connect-success')).toBeVisible();
  await expect(page.getByTestId('gmv')).toHaveText('$15,000.00');
  await expect(page.getByTestId('monthly-income')).toContainText('$4,750.00');
  await expect(page.getByTestId('score-grade')).toContainText('Grade');
});

test('the landing page has no serious accessibility violations', async ({ page }) => {
  await page.goto('/');
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
});
