import { describe, expect, it } from "vitest";
import { committedFor, progressStatus } from "../../src/needs/need-progress.js";

const money = (status: string, amount: number, received?: number) => ({ kind: "money", status, amountVnd: BigInt(amount), receivedAmountVnd: received === undefined ? null : BigInt(received), quantity: null });
const goods = (status: string, quantity: number | null) => ({ kind: "goods", status, amountVnd: null, receivedAmountVnd: null, quantity });

describe("need progress rule", () => {
  const need = { amountVnd: 10_000_000n, quantity: 100 };
  it.each([
    ["nothing", [], "published"],
    ["only cancelled/expired", [money("cancelled", 10_000_000), money("expired", 10_000_000)], "published"],
    ["1 đồng", [money("pledged", 1)], "partly_pledged"],
    ["1 đồng short", [money("pledged", 9_999_999)], "partly_pledged"],
    ["exactly covered", [money("pledged", 10_000_000)], "fulfilled"],
    ["less arrived than promised", [money("received", 10_000_000, 9_000_000)], "partly_pledged"],
    ["thanked + pledged", [money("thanked", 4_000_000), money("pledged", 6_000_000)], "fulfilled"],
    ["half goods + half money", [goods("pledged", 50), money("pledged", 5_000_000)], "fulfilled"],
    ["49% goods + half money", [goods("pledged", 49), money("pledged", 5_000_000)], "partly_pledged"],
    ["all goods delivered", [goods("delivered", 100)], "fulfilled"],
    ["goods of unknown size", [goods("pledged", null)], "partly_pledged"],
  ] as const)("%s", (_name, pledges, expected) => {
    expect(progressStatus(need, committedFor(pledges))).toBe(expected);
  });

  it("never lets money alone fulfil a need that has no value in đồng", () => {
    const goodsOnly = { amountVnd: null, quantity: 10 };
    expect(progressStatus(goodsOnly, committedFor([money("received", 999_000_000, 999_000_000)]))).toBe("partly_pledged");
    expect(progressStatus(goodsOnly, committedFor([goods("pledged", 10)]))).toBe("fulfilled");
  });
});
