// The walking skeleton: pages render with and without JavaScript, the wasm bundle hydrates,
// security headers are present and nothing logs an error.
import { test, expect, type Page } from '@playwright/test';

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

test('the landing page renders what shopscore does @nojs', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Turn your TikTok Shop sales into credit a lender can trust',
  );
  await expect(page.getByRole('heading', { name: 'How it works' })).toBeVisible();
  await expect(page.getByTestId('sandbox-banner')).toContainText('Sandbox mode.');
  await expect(page.getByTestId('connect-area')).toBeVisible();
});

test('the landing page answers with a CSP whose nonce is on the hydration scripts @nojs', async ({ page }) => {
  const response = await page.goto('/');
  const headers = response!.headers();
  const csp = headers['content-security-policy'];
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  const scripts = await page.locator(`script[nonce]`).evaluateAll((els) => els.length);
  expect(scripts).toBeGreaterThan(0);
  const html = await response!.text();
  expect(html).toContain(`nonce="${nonce}"`);
});

test('the estimator works once the wasm bundle has hydrated the page', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/');
  await expect(page.locator('section.estimator')).toHaveAttribute('data-hydrated', 'true');
  await page.getByLabel('Sales (GMV)').fill('10000');
  await page.getByLabel('Refunds').fill('0');
  await page.getByLabel('Settled affiliate commission').fill('3000');
  await expect(page.getByTestId('estimate')).toHaveText('$4,333.33');
  await page.getByLabel('Refunds').fill('20000');
  await expect(page.locator('.estimator-result')).toContainText('Refunds cannot exceed sales.');
  expect(errors).toEqual([]);
});

test('without JavaScript the estimator says it needs JavaScript @nojs', async ({ page, javaScriptEnabled }) => {
  await page.goto('/');
  if (javaScriptEnabled) {
    await expect(page.locator('section.estimator')).toHaveAttribute('data-hydrated', 'true');
  } else {
    await expect(page.locator('.estimator-result')).toContainText('The estimator needs JavaScript.');
  }
});

test('the dashboard shows its empty state to a visitor with no connections @nojs', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/dashboard');
  await expect(page.getByTestId('dashboard-empty')).toContainText('No shops connected yet');
  await expect(page.getByTestId('wallet-sign-in')).toBeVisible();
  expect(errors).toEqual([]);
});

test('an unknown address shows the styled 404 page @nojs', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response!.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toContainText('This page does not exist');
  // Styled like every page: the site stylesheet paints the page background.
  const background = await page.locator('html').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(background).toBe('rgb(247, 247, 249)');
});

test('the landing page logs no console errors while hydrating', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/');
  await expect(page.locator('section.estimator')).toHaveAttribute('data-hydrated', 'true');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId('dashboard-empty')).toBeVisible();
  expect(errors).toEqual([]);
});
