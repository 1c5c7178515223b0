/**
 * The Fetcher as a go.mod supply for package modload: graph loading then reads go.mod
 * files the way the go command's does (module cache first, then GOPROXY; every go.mod
 * checked against go.sum and cached, `.info` files cached as versions are resolved).
 */
import type { ModFileSource, VersionInfo } from '../modload/index.js';
import type { Fetcher } from './fetch.js';

/** createFetcherSource adapts fetcher to modload's ModFileSource. */
export function createFetcherSource(fetcher: Fetcher): ModFileSource {
  const { client } = fetcher.options;
  return {
    goMod: (m) => fetcher.goMod(m.path, m.version),
    info: async (m): Promise<VersionInfo> => {
      const i = await fetcher.stat(m.path, m.version);
      return { version: i.version, time: i.time };
    },
    versions: (p) => client.versions(p),
    latest: async (p) => {
      const i = await client.latest(p);
      return { version: i.version, time: i.time };
    },
  };
}
