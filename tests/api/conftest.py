def pytest_generate_tests(metafunc):
    """Each bad body an endpoint's test class declares (``bad_bodies``) is a case of its own."""
    if "bad_body" in metafunc.fixturenames:
        cases = metafunc.cls.bad_bodies
        metafunc.parametrize("bad_body", cases, ids=[field for _, field in cases])
