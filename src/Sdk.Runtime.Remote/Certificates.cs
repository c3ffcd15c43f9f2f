using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sdk.Runtime.Remote;

/// <summary>Certificate checks shared by callers (is this host ours?) and hosts (is this caller ours?).</summary>
public static class Certificates
{
    /// <summary>The extended key usage of a TLS server (a host's certificate).</summary>
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>The extended key usage of a TLS client (a caller's certificate).</summary>
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to <paramref name="ca"/> alone (not to the system's roots), is
    /// valid now, and allows <paramref name="usage"/>. No revocation check: a deployment revokes by reissuing its CA.
    /// </summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca, Oid usage)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        return chain.Build(certificate);
    }
}
