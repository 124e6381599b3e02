-- Announces every change to what an API token's lookup answers (the token's user, their isStaff and
-- email, whether the token is live) on the channel api_token_changes, in the changing transaction:
-- PostgreSQL sends it to every server LISTENing at commit, never for a rollback, and each server
-- drops the lookups it names from its token cache (src/auth/token-cache.ts). Triggers, so that no
-- path that writes (the server, the CLI, an admin at psql) can forget it.
-- Payloads: 't:<tokenHash>' for a token, 'u:<userId>' for a user.

CREATE FUNCTION "api_token_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('api_token_changes', 't:' || OLD."tokenHash");
  RETURN NULL;
END
$$;

CREATE FUNCTION "api_token_user_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('api_token_changes', 'u:' || OLD."id");
  RETURN NULL;
END
$$;

CREATE TRIGGER "ApiToken_changed"
  AFTER UPDATE OF "revokedAt", "tokenHash", "userId" ON "ApiToken"
  FOR EACH ROW
  WHEN (OLD."revokedAt" IS DISTINCT FROM NEW."revokedAt"
     OR OLD."tokenHash" IS DISTINCT FROM NEW."tokenHash"
     OR OLD."userId" IS DISTINCT FROM NEW."userId")
  EXECUTE FUNCTION "api_token_changed"();

CREATE TRIGGER "ApiToken_deleted"
  AFTER DELETE ON "ApiToken"
  FOR EACH ROW
  EXECUTE FUNCTION "api_token_changed"();

CREATE TRIGGER "User_changed"
  AFTER UPDATE OF "isStaff", "email", "id" ON "User"
  FOR EACH ROW
  WHEN (OLD."isStaff" IS DISTINCT FROM NEW."isStaff"
     OR OLD."email" IS DISTINCT FROM NEW."email"
     OR OLD."id" IS DISTINCT FROM NEW."id")
  EXECUTE FUNCTION "api_token_user_changed"();

CREATE TRIGGER "User_deleted"
  AFTER DELETE ON "User"
  FOR EACH ROW
  EXECUTE FUNCTION "api_token_user_changed"();
