// Lenders: the borrower shares a report; a lender with no wallet opens the link, sees the same
// score and $4,750 a month, and the credential verifies with the EAS SDK itself; once revoked
// the link answers 410.
import { test, expect } from '@playwright/test';
import { createRequire } from 'node:module';
import { newKey, connectWithButton, injectWallet, signInWithButton } from './support';

// The SDK's ESM build cannot be imported by Node (it imports CommonJS lodash by name).
const require = createRequire(__filename);
const { EAS, Offchain, OffchainAttestationVersion, SchemaEncoder } = require('@ethereum-attestation-service/eas-sdk');

test('a lender opens a shared report, its credential verifies with the EAS SDK, and revoking it gives 410', async ({ page, browser }) => {
  const account = await injectWallet(page, newKey());
  await signInWithButton(page);
  await connectWithButton(page, 'seller-boutique');
  await page.goto('/dashboard');
  const score = await (await page.request.get('/api/score')).json();
  await page.getByTestId('share-lender').fill('Acme Capital');
  await page.getByTestId('share-create').click();
  const link = page.getByTestId('share-url').first();
  await expect(link).toBeVisible();
  const url = await link.inputValue();

  const lender = await browser.newContext();
  const lenderPage = await lender.newPage();
  const response = await lenderPage.goto(url);
  expect(response!.status()).toBe(200);
  await expect(lenderPage.getByTestId('report-score')).toContainText(`${Math.round(score.score)}`);
  await expect(lenderPage.getByTestId('report-monthly-income')).toContainText('$4,750.00');
  await expect(lenderPage.getByTestId('report-wallet')).toHaveText(account.address);
  await lenderPage.getByTestId('report-verify').click();
  await expect(lenderPage.getByTestId('report-verify-result')).toContainText('Valid');

  // Verified with the EAS SDK, not with our code.
  const pkg = JSON.parse((await lenderPage.getByTestId('report-attestation-json').textContent())!);
  const attester = await (await lenderPage.request.get('/api/attester')).json();
  const offchain = new Offchain(
    { address: attester.easContract, version: pkg.sig.domain.version, chainId: BigInt(attester.chainId) },
    OffchainAttestationVersion.Version2,
    new EAS(attester.easContract),
  );
  expect(offchain.verifyOffchainAttestationSignature(attester.address, pkg.sig)).toBe(true);
  expect(pkg.sig.message.recipient).toBe(account.address);
  expect(pkg.sig.message.schema).toBe(attester.schemaUid);
  const decoded = new SchemaEncoder(attester.schema).decodeData(pkg.sig.message.data);
  const field = (name: string) => decoded.find((d: any) => d.name === name).value.value;
  expect(Number(field('monthlyIncomeUsdCents'))).toBe(Math.round(score.monthlyIncomeUsd * 100));
  expect(Number(field('scoreTenths'))).toBe(Math.round(score.score * 10));
  expect(field('grade')).toBe(score.grade);
  expect(field('modelVersion')).toBe(score.modelVersion);
  expect(field('inputsDigest')).toBe(`0x${score.inputsDigest}`);
  // A tampered copy does not verify.
  const tampered = JSON.parse(JSON.stringify(pkg.sig));
  tampered.message.recipient = '0x2222222222222222222222222222222222222222';
  expect(offchain.verifyOffchainAttestationSignature(attester.address, tampered)).toBe(false);

  await expect(page.getByTestId('share-access').first()).toContainText('not opened yet');
  await page.reload();
  await expect(page.getByTestId('share-access').first()).toContainText('opened');
  await page.getByTestId('share-revoke').first().click();
  await expect(page.getByTestId('share-item').first()).toHaveAttribute('data-status', 'revoked');
  const gone = await lenderPage.goto(url);
  expect(gone!.status()).toBe(410);
  await expect(lenderPage.getByTestId('share-gone')).toBeVisible();
  await lender.close();
});

test('the share form says what is wrong in place, then shares only the threshold', async ({ page }) => {
  await injectWallet(page, newKey());
  await signInWithButton(page);
  await connectWithButton(page, 'seller-boutique');
  await page.goto('/dashboard');
  // The island is hydrated once its live stream is open: the form is then sent by the page.
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-live', 'true');
  // Mark the document: a reload would lose the mark.
  await page.evaluate(() => ((window as any).__noReload = true));
  await page.getByTestId('share-lender').fill('Acme Capital');
  await page.getByTestId('share-threshold').check();
  await page.getByTestId('share-create').click();
  await expect(page.getByTestId('share-error')).toHaveText('Give the threshold in US dollars a month.');
  expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
  await expect(page.getByTestId('share-item')).toHaveCount(0);

  await page.getByTestId('share-threshold-usd').fill('1000');
  await page.getByTestId('share-create').click();
  const item = page.getByTestId('share-item').first();
  await expect(item).toHaveAttribute('data-status', 'active');
  await expect(item).toContainText('only: monthly verified income ≥ $1,000.00');
});
