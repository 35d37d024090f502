// /etc/group and /etc/passwd: who is in a group, by the member list or by the primary group.

import { binaryProblem } from './text-edit.js';

export type Membership = { ok: true; member: boolean; how: string } | { ok: false; problem: string; noGroup?: true };

export function groupMembership(groupText: string, passwdText: string | undefined, user: string, group: string): Membership {
  const binary = binaryProblem(groupText);
  if (binary) return { ok: false, problem: `/etc/group: ${binary}` };
  const line = groupText.split('\n').find((l) => l.split(':')[0] === group);
  if (line === undefined) return { ok: false, problem: `there is no group ${group} in /etc/group`, noGroup: true };
  const [, , gid, members] = line.split(':');
  if (gid === undefined || members === undefined || !/^\d+$/.test(gid)) return { ok: false, problem: `the ${group} line of /etc/group is malformed: "${line}"` };
  if (members.split(',').map((m) => m.trim()).includes(user)) return { ok: true, member: true, how: line };
  const primary = passwdText?.split('\n').find((l) => l.split(':')[0] === user)?.split(':')[3];
  if (primary === gid) return { ok: true, member: true, how: `${user}'s primary group is ${group} (${gid})` };
  return { ok: true, member: false, how: line };
}
