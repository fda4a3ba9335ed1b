/**
 * The restore sessions the simulator starts with, in the vBridge organization of `seed.ts`: Ben
 * Young's mailbox exported for a legal hold, a message of Sarah Young's viewed and restored, a
 * spreadsheet restored to Priya Patel's OneDrive.
 */
import { priyaId } from "./seed.ts";
import { SEED, type SimRestoreSessionInit } from "./types.ts";

/**
 * Restore sessions as VB365 records them. Before v8 events do not carry the user's id, so names
 * must tell whose data it was: the mailbox owner's display name in `source`, the UPN in the
 * session's scope.
 */
export function seedRestoreSessions(): SimRestoreSessionInit[] {
  const vbridgeId = SEED.organization.id;
  const ben = SEED.benYoung;
  const exported = (
    itemName: string,
    itemType: string,
    folder: string,
    size: number,
    from: string,
    to: string,
  ) => ({
    type: "Export" as const,
    itemName,
    itemType,
    itemSizeBytes: size,
    source: `${ben.displayName}\\${folder}`,
    target: "C:\\export",
    startTime: `2025-03-11T${from}Z`,
    endTime: `2025-03-11T${to}Z`,
    userId: ben.id,
  });
  return [
    {
      id: SEED.restoreSessions.benExport,
      organizationId: vbridgeId,
      type: "Vex",
      name: `Exchange restore session: ${ben.displayName}`,
      initiatedBy: "VBRIDGE\\simon.service",
      clientHost: "VBO-PROXY01",
      reason: "Legal hold request LH-2025-014",
      scopeName: ben.name,
      creationTime: "2025-03-11T09:42:00Z",
      endTime: "2025-03-11T09:44:12Z",
      state: "Stopped",
      result: "Success",
      events: [
        exported("FW: Board pack March 2025", "Message", "Inbox", 482_133, "09:42:05", "09:42:21"),
        exported("RE: Contoso contract renewal", "Message", "Inbox", 91_544, "09:42:30", "09:42:41"),
        exported("Salary review 2025", "Message", "Sent Items", 38_211, "09:43:02", "09:43:10"),
        exported("Offsite planning", "Appointment", "Calendar", 12_876, "09:43:25", "09:43:31"),
        exported("Customer list", "Message", "Inbox\\Projects", 1_204_331, "09:43:55", "09:44:10"),
      ],
    },
    {
      id: SEED.restoreSessions.sarahView,
      organizationId: vbridgeId,
      type: "Vex",
      name: `Exchange restore session: ${SEED.sarahYoung.displayName}`,
      initiatedBy: "VBRIDGE\\tom.baker",
      clientHost: "HELPDESK-PC07",
      reason: "Deleted message recovery, ticket 48213",
      scopeName: SEED.sarahYoung.name,
      creationTime: "2025-03-11T13:05:00Z",
      endTime: "2025-03-11T13:09:30Z",
      state: "Stopped",
      result: "Success",
      events: [
        {
          type: "View",
          itemName: "Flight itinerary AKL-WLG",
          itemType: "Message",
          itemSizeBytes: 64_220,
          source: `${SEED.sarahYoung.displayName}\\Deleted Items`,
          startTime: "2025-03-11T13:06:10Z",
          endTime: "2025-03-11T13:06:11Z",
          userId: SEED.sarahYoung.id,
        },
        {
          type: "Restore",
          itemName: "Flight itinerary AKL-WLG",
          itemType: "Message",
          itemSizeBytes: 64_220,
          source: `${SEED.sarahYoung.displayName}\\Deleted Items`,
          target: `${SEED.sarahYoung.name}\\Inbox`,
          startTime: "2025-03-11T13:08:40Z",
          endTime: "2025-03-11T13:09:02Z",
          userId: SEED.sarahYoung.id,
        },
      ],
    },
    {
      id: SEED.restoreSessions.priyaOneDrive,
      organizationId: vbridgeId,
      type: "Veod",
      name: "OneDrive restore session: Priya Patel",
      initiatedBy: "VBRIDGE\\tom.baker",
      clientHost: "HELPDESK-PC07",
      reason: "Overwritten spreadsheet",
      scopeName: "priya.patel@vbridge.co.nz",
      creationTime: "2025-03-12T08:15:00Z",
      endTime: "2025-03-12T08:16:40Z",
      state: "Stopped",
      result: "Success",
      events: [
        {
          type: "Restore",
          itemName: "Budget FY26.xlsx",
          itemType: "Document",
          itemSizeBytes: 348_112,
          source: "Priya Patel\\OneDrive\\Documents\\Finance",
          target: "Priya Patel\\OneDrive\\Documents\\Finance (restored)",
          startTime: "2025-03-12T08:15:30Z",
          endTime: "2025-03-12T08:16:20Z",
          userId: priyaId(),
        },
      ],
    },
  ];
}
