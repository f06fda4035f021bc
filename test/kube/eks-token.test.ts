import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import {
  buildEksToken,
  decodeEksToken,
  describeEksCluster,
  EKS_TOKEN_PREFIX,
  stsHostname,
} from "../../src/aws/eks-token.js";

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const now = new Date("2026-11-30T04:00:00Z");

describe("buildEksToken", () => {
  it("presigns STS GetCallerIdentity for the cluster, valid 60 s, as aws eks get-token does", async () => {
    const { token, expiresAt } = await buildEksToken({ cluster: "prod", region: "eu-west-1", credentials, now });
    expect(token.startsWith(EKS_TOKEN_PREFIX)).toBe(true);
    expect(token).not.toMatch(/[=+/]/);
    const url = decodeEksToken(token);
    expect(url.origin).toBe("https://sts.eu-west-1.amazonaws.com");
    expect(url.pathname).toBe("/");
    const q = url.searchParams;
    expect(q.get("Action")).toBe("GetCallerIdentity");
    expect(q.get("Version")).toBe("2011-06-15");
    expect(q.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(q.get("X-Amz-Credential")).toBe("AKIDEXAMPLE/20261130/eu-west-1/sts/aws4_request");
    expect(q.get("X-Amz-Date")).toBe("20261130T040000Z");
    expect(q.get("X-Amz-Expires")).toBe("60");
    expect(q.get("X-Amz-SignedHeaders")).toBe("host;x-k8s-aws-id");
    expect(q.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(expiresAt).toBe(now.getTime() + 15 * 60_000);
  });

  it("is deterministic for fixed credentials and clock, and differs per cluster", async () => {
    const a = await buildEksToken({ cluster: "prod", region: "eu-west-1", credentials, now });
    const b = await buildEksToken({ cluster: "prod", region: "eu-west-1", credentials, now });
    const c = await buildEksToken({ cluster: "staging", region: "eu-west-1", credentials, now });
    expect(a.token).toBe(b.token);
    expect(decodeEksToken(c.token).searchParams.get("X-Amz-Signature")).not.toBe(
      decodeEksToken(a.token).searchParams.get("X-Amz-Signature"),
    );
  });

  it("carries the session token of temporary credentials", async () => {
    const { token } = await buildEksToken({
      cluster: "prod",
      region: "us-east-1",
      credentials: { ...credentials, sessionToken: "SESSION/TOKEN+1" },
      now,
    });
    expect(decodeEksToken(token).searchParams.get("X-Amz-Security-Token")).toBe("SESSION/TOKEN+1");
  });
});

describe("the STS host of each partition", () => {
  // The DNS suffixes of @aws-sdk's partitions data: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-eusc.
  it.each([
    ["eu-west-1", "sts.eu-west-1.amazonaws.com"],
    ["us-east-1", "sts.us-east-1.amazonaws.com"],
    ["cn-north-1", "sts.cn-north-1.amazonaws.com.cn"],
    ["cn-northwest-1", "sts.cn-northwest-1.amazonaws.com.cn"],
    ["us-gov-west-1", "sts.us-gov-west-1.amazonaws.com"],
    ["us-gov-east-1", "sts.us-gov-east-1.amazonaws.com"],
    ["us-iso-east-1", "sts.us-iso-east-1.c2s.ic.gov"],
    ["us-isob-east-1", "sts.us-isob-east-1.sc2s.sgov.gov"],
    ["eusc-de-east-1", "sts.eusc-de-east-1.amazonaws.eu"],
  ])("%s → %s", (region, host) => {
    expect(stsHostname(region)).toBe(host);
  });

  it.each([
    ["cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn"],
    ["us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com"],
  ])("signs a token for %s against its own STS host and region", async (region, origin) => {
    const { token } = await buildEksToken({ cluster: "prod", region, credentials, now });
    const url = decodeEksToken(token);
    expect(url.origin).toBe(origin);
    expect(url.searchParams.get("X-Amz-Credential")).toBe(`AKIDEXAMPLE/20261130/${region}/sts/aws4_request`);
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host;x-k8s-aws-id");
  });
});

describe("describeEksCluster", () => {
  it("reads endpoint and CA through AWS_ENDPOINT_URL_EKS", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader("content-type", "application/json");
      if (req.url === "/clusters/prod") {
        res.end(
          JSON.stringify({
            cluster: { name: "prod", endpoint: "https://k.example", certificateAuthority: { data: "Q0E=" } },
          }),
        );
      } else {
        res.statusCode = 404;
        res.setHeader("x-amzn-errortype", "ResourceNotFoundException");
        res.end(JSON.stringify({ message: "No cluster found" }));
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const previous = process.env.AWS_ENDPOINT_URL_EKS;
    process.env.AWS_ENDPOINT_URL_EKS = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(describeEksCluster("prod", "eu-west-1", credentials)).resolves.toEqual({
        endpoint: "https://k.example",
        caData: "Q0E=",
      });
      await expect(describeEksCluster("nope", "eu-west-1", credentials)).rejects.toMatchObject({
        code: "invalid_config",
      });
      expect(seen).toEqual(["GET /clusters/prod", "GET /clusters/nope"]);
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_EKS;
      else process.env.AWS_ENDPOINT_URL_EKS = previous;
      server.close();
    }
  });
});
