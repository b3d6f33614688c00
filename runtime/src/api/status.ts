/**
 * metav1.Status, StatusError and its constructors live in @skai-gen/client (the
 * client reads the same Status off the wire); server code imports them from here.
 */
export * from "@skai-gen/client/status";
