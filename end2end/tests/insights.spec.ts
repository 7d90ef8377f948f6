// Insights and live sales: the hybrid persona's products, promoted shops and charts; simulated
// orders arriving through TikTok's webhook update the page without a reload.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { newKey, connectWithButton, injectWallet, signInWithButton } from './support';

test.describe('insights', () => {
  test.beforeEach(async ({ page }) => {
    await injectWallet(page, newKey());
  });

  test('the hybrid dashboard shows products, promoted shops and readable charts', async ({ page }) => {
    await signInWithButton(page);
    await connectWithButton(page, 'hybrid');
    await connectWithButton(page, 'hybrid', 'tiktok-connect-creator');
    await page.goto('/dashboard');
    await expect(page.getByTestId('product-table')).toBeVisible();
    expect(await page.getByTestId('product-row').count()).toBeGreaterThan(0);
    await expect(page.getByTestId('affiliate-shops')).toBeVisible();
    expect(await page.getByTestId('affiliate-shop').count()).toBeGreaterThan(0);
    // Charts carry values and their figures as a table.
    const chart = page.locator('figure.chart').first();
    await expect(chart.locator('text.chart-label').first()).toBeVisible();
    await chart.locator('summary').click();
    await expect(chart.locator('table')).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
  });

  test('three simulated orders update today and the live indicator without a reload', async ({ page }) => {
    await signInWithButton(page);
    await connectWithButton(page, 'seller-boutique');
    await page.goto('/dashboard');
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-live', 'true');
    const orders = page.getByTestId('today-orders').first();
    const before = Number((await orders.textContent())!.split(' ')[0]);
    // Mark the document: a reload would lose the mark.
    await page.evaluate(() => ((window as any).__noReload = true));
    // What the borrower was doing survives the update: a half-filled share form, an open table.
    await page.getByTestId('share-lender').fill('Acme Capital');
    await page.locator('figure.chart summary').first().click();
    const res = await page.request.post('/sandbox/simulate/orders', { data: { persona: 'seller-boutique', count: 3 } });
    expect(res.status()).toBe(201);
    await expect(orders).toHaveText(`${before + 3} orders`, { timeout: 20_000 });
    expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-live', 'true');
    await expect(page.getByTestId('share-lender')).toHaveValue('Acme Capital');
    await expect(page.locator('figure.chart details').first()).toHaveAttribute('open', '');
  });
});
