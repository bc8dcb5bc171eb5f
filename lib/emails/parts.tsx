/**
 * The pieces every portal e-mail is built from: one layout (heading, a short
 * lead, the facts as label/value lines, an action button, a footer) so that
 * each mail reads the same way in HTML and, rendered as plain text, in a
 * terminal mail client. Inline styles only: mail clients drop stylesheets.
 */
import { Fragment, type ReactNode } from "react";
import { Body, Button, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import { portalLink } from "./render";

/** A label and its value; rows whose value is missing are left out rather than shown empty, a text value keeps its lines. */
export type Fact = readonly [label: string, value: ReactNode | null | undefined];

const colors = { text: "#0f172a", muted: "#475569", brand: "#1d4ed8", line: "#e2e8f0" };

export function Facts({ rows }: { rows: readonly Fact[] }) {
  return (
    <Section style={{ margin: "16px 0" }}>
      {rows
        .filter(([, value]) => value !== null && value !== undefined && value !== "")
        .map(([label, value]) => (
          <Text key={label} style={{ margin: "4px 0", fontSize: 14, color: colors.text }}>
            <strong>{label}:</strong> {typeof value === "string" ? <Lines text={value} /> : value}
          </Text>
        ))}
    </Section>
  );
}

/**
 * Text a person wrote (an order's note, a cancel reason), with its lines as they broke them: HTML
 * folds a newline into a space, so each becomes a <br/> (the plain-text twin turns those back
 * into newlines). React escapes each line as any text.
 */
export function Lines({ text }: { text: string }) {
  return text.split(/\r\n|\r|\n/).map((line, i) => (
    <Fragment key={i}>
      {i > 0 && <br />}
      {line}
    </Fragment>
  ));
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={{ fontSize: 15, lineHeight: "22px", color: colors.text }}>{children}</Text>;
}

/** A web address shown as a link with its address as the text, so the plain-text mail carries it too. */
export function Address({ href }: { href: string }) {
  return (
    <Link href={href} style={{ color: colors.brand }}>
      {href}
    </Link>
  );
}

export interface MailAction {
  label: string;
  href: string;
}

/**
 * `notice`: a mail the portal sends as a notice (lib/notifications/notify.ts), which its reader
 * can turn off: the footer says where. Mails about their own account and links they asked for
 * are not notices.
 */
export function MailLayout({ preview, heading, action, notice = false, children }: { preview: string; heading: string; action?: MailAction; notice?: boolean; children: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: "#f8fafc", fontFamily: "Helvetica, Arial, sans-serif", margin: 0, padding: "24px 0" }}>
        <Container style={{ backgroundColor: "#ffffff", border: `1px solid ${colors.line}`, borderRadius: 8, padding: 24, maxWidth: 560 }}>
          <Text style={{ fontSize: 13, fontWeight: 600, color: colors.brand, margin: 0 }}>Sandbox Portal</Text>
          <Heading as="h1" style={{ fontSize: 20, color: colors.text, margin: "8px 0 16px" }}>
            {heading}
          </Heading>
          {children}
          {action && (
            <Section style={{ margin: "24px 0 8px" }}>
              <Button href={action.href} style={{ backgroundColor: colors.brand, color: "#ffffff", borderRadius: 6, padding: "10px 18px", fontSize: 14, fontWeight: 600 }}>
                {action.label}
              </Button>
              {/* For mail apps that show no buttons; the plain-text body has the address once, after the button's words (render.ts). */}
              <Text className="button-fallback" style={{ fontSize: 13, color: colors.muted }}>
                Or open <Address href={action.href} />
              </Text>
            </Section>
          )}
          <Hr style={{ borderColor: colors.line, margin: "24px 0 12px" }} />
          <Text style={{ fontSize: 12, color: colors.muted, margin: 0 }}>
            A sandbox is a sanitized copy of production for testing and training. It is a dead end: nothing done there reaches production.
          </Text>
          {notice && (
            <Text style={{ fontSize: 12, color: colors.muted, margin: "8px 0 0" }}>
              You get this as a user of Sandbox Portal. Stop these mails on your account page: <Address href={portalLink("/account")} /> (the notices stay in the
              portal).
            </Text>
          )}
        </Container>
      </Body>
    </Html>
  );
}
