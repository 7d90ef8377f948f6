// Test support: a test wallet injected into the page as an EIP-1193 provider backed by a fixed
// key (signing with viem), plus the flows a borrower goes through.
import { expect, type Page, type APIRequestContext } from '@playwright/test';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { createSiweMessage } from 'viem/siwe';

/** A fresh test wallet key: every test is a new borrower, so tests never see each other's data. */
export function newKey(): `0x${string}` {
  return generatePrivateKey();
}

/** Injects `window.ethereum` signing with `key`; returns the account. */
export async function injectWallet(page: Page, key: `0x${string}`) {
  const account = privateKeyToAccount(key);
  await page.exposeBinding('__testWalletSign', async (_source, hexMessage: `0x${string}`) =>
    account.signMessage({ message: { raw: hexMessage } }),
  );
  await page.addInitScript((address: string) => {
    (window as any).ethereum = {
      isTestWallet: true,
      request: async ({ method, params }: { method: string; params?: any[] }) => {
        switch (method) {
          case 'eth_requestAccounts':
          case 'eth_accounts':
            return [address.toLowerCase()];
          case 'eth_chainId':
            return '0x1';
          case 'personal_sign':
            return await (window as any).__testWalletSign(params![0]);
          default:
            throw new Error(`unsupported method ${method}`);
        }
      },
    };
  }, account.address);
  return account;
}

/** Signs in through the page's button (JavaScript on). */
export async function signInWithButton(page: Page) {
  await page.goto('/');
  await page.getByTestId('wallet-sign-in').click();
  await expect(page.getByTestId('wallet-signed-in').first()).toBeVisible();
}

/** Signs in over HTTP with a standard SIWE message made by viem (works with JavaScript off). */
export async function signInOverHttp(request: APIRequestContext, baseURL: string, key: `0x${string}`) {
  const account = privateKeyToAccount(key);
  const { nonce } = await (await request.get('/api/wallet/nonce')).json();
  const url = new URL(baseURL);
  const message = createSiweMessage({
    domain: url.host,
    address: account.address,
    statement: 'Sign in to shopscore to see your verified income.',
    uri: url.origin,
    version: '1',
    chainId: 1,
    nonce,
    issuedAt: new Date(),
  });
  const signature = await account.signMessage({ message });
  const res = await request.post('/api/wallet/verify', { data: { message, signature } });
  expect(res.status()).toBe(200);
  return account;
}

/** On the sandbox consent page, picks a persona (or denies). */
export async function consent(page: Page, persona: string | 'deny') {
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Authorize shopscore');
  if (persona === 'deny') {
    await page.getByRole('button', { name: 'Deny' }).click();
  } else {
    await page.locator(`button[name="persona"][value="${persona}"]`).click();
  }
  await page.waitForURL(/\/dashboard\?/);
}

/** Picks the seller market when the connect button asks (the sandbox serves both). */
export async function chooseMarket(page: Page, market: 'us' | 'global' = 'global') {
  const choice = page.getByTestId(`market-${market}`).first();
  if (await choice.isVisible()) {
    await choice.check();
  }
}

/** Connects a persona with the Connect button (JavaScript on); creators use their own button. */
export async function connectWithButton(page: Page, persona: string, button = 'tiktok-connect') {
  await page.goto('/');
  if (button === 'tiktok-connect') {
    await chooseMarket(page);
  }
  await page.getByTestId(button).first().click();
  await consent(page, persona);
}
