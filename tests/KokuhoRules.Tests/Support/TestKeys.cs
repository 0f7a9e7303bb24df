using KokuhoRules.Engine.Security;
using NodaTime;

namespace KokuhoRules.Tests.Support;

/// <summary>
/// API keys for the tests, one per role, one with every role, and a revoked one, issued into a keys
/// file (hashes only) shared by every test server of the run.
/// </summary>
public static class TestKeys
{
    public static string Calculator { get; }
    public static string Publisher { get; }
    public static string Auditor { get; }
    /// <summary>calculator + publisher + auditor: the default client's key.</summary>
    public static string All { get; }
    public static string Revoked { get; }

    /// <summary>The keys file (<c>Auth:KeysFile</c>).</summary>
    public static string KeysFile { get; }

    static TestKeys()
    {
        var folder = Path.Combine(Path.GetTempPath(), "kokuho-test-keys-" + Guid.NewGuid().ToString("N"));
        KeysFile = Path.Combine(folder, "keys.json");
        var issued = new List<ApiKeyRecord>();
        string Issue(string id, string[] roles, Instant? revoked = null)
        {
            var key = ApiKeyFile.NewKey();
            issued.Add(new ApiKeyRecord(id, $"test {id}", roles, ApiKeyFile.Hash(key), Instant.FromUtc(2026, 4, 1, 0, 0), revoked));
            return key;
        }
        Calculator = Issue("test-calculator", [Roles.Calculator]);
        Publisher = Issue("test-publisher", [Roles.Publisher]);
        Auditor = Issue("test-auditor", [Roles.Auditor]);
        All = Issue("test-all", [Roles.Calculator, Roles.Publisher, Roles.Auditor]);
        Revoked = Issue("test-revoked", [Roles.Calculator], Instant.FromUtc(2026, 5, 1, 0, 0));
        ApiKeyFile.Write(KeysFile, issued);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(folder, recursive: true); } catch (IOException) { } };
    }
}
