DELETE FROM fixture
