-- The library database of the question tests (library.jsonl), also loaded into PostgreSQL by
-- tests/unit/nl2sql/postgres_test.cpp: singular table names, a text primary key, first and last
-- names, dates of events, nullable return dates.
CREATE TABLE branch (branch_id INTEGER PRIMARY KEY, branch_name TEXT NOT NULL, city TEXT NOT NULL);
CREATE TABLE author (author_id INTEGER PRIMARY KEY, full_name TEXT NOT NULL, nationality TEXT, born_year INTEGER);
CREATE TABLE book (isbn TEXT PRIMARY KEY, title TEXT NOT NULL, author_id INTEGER REFERENCES author(author_id),
                   genre TEXT NOT NULL, page_count INTEGER NOT NULL, published_on DATE NOT NULL);
CREATE TABLE member (member_id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL, email TEXT,
                     joined_on DATE NOT NULL, branch_id INTEGER NOT NULL REFERENCES branch(branch_id));
CREATE TABLE loan (loan_id INTEGER PRIMARY KEY, isbn TEXT NOT NULL REFERENCES book(isbn),
                   member_id INTEGER NOT NULL REFERENCES member(member_id), loaned_at DATE NOT NULL,
                   returned_at DATE, fine_amount REAL NOT NULL);
INSERT INTO branch VALUES (1, 'Central Library', 'Lisbon'), (2, 'Harbour Branch', 'Porto'), (3, 'Hill Branch', 'Lisbon');
INSERT INTO author VALUES (1, 'Ursula Vance', 'Canadian', 1931), (2, 'Tomas Ferreira', 'Portuguese', 1958),
  (3, 'Mei Lin', 'Chinese', 1972), (4, 'Oskar Brandt', 'German', 1990), (5, 'Nadia Okafor', 'Nigerian', 1985),
  (6, 'Seán O''Brien', 'Irish', 1966);
INSERT INTO book VALUES
  ('978-0001', 'The Glass Orchard', 1, 'fantasy', 412, '1969-05-01'),
  ('978-0002', 'Winds of Porto', 2, 'history', 288, '2001-09-12'),
  ('978-0003', 'Quiet Algebra', 3, 'science', 530, '2015-02-20'),
  ('978-0004', 'Salt and Iron', 2, 'history', 199, '2019-11-03'),
  ('978-0005', 'Night Ferry', 4, 'thriller', 350, '2022-03-15'),
  ('978-0006', 'The Lantern Keeper', 1, 'fantasy', 610, '1975-07-07'),
  ('978-0007', 'Rivers of Lagos', 5, 'history', 245, '2024-01-30'),
  ('978-0008', 'Small Machines', 3, 'science', 180, '2025-05-02'),
  ('978-0009', 'Tide Tables', 6, 'poetry', 96, '1999-04-01');
INSERT INTO member VALUES
  (1, 'Ana', 'Costa', 'ana@example.org', '2021-03-01', 1),
  (2, 'Bruno', 'Silva', NULL, '2022-07-19', 2),
  (3, 'Carla', 'Mendes', 'carla@example.org', '2023-01-05', 1),
  (4, 'Diogo', 'Ramos', NULL, '2024-11-30', 3),
  (5, 'Eva', 'Nunes', 'eva@example.org', '2025-05-20', 2),
  (6, 'Filipe', 'Sousa', 'filipe@example.org', '2025-06-01', 3);
INSERT INTO loan VALUES
  (1, '978-0001', 1, '2024-01-10', '2024-01-30', 0),
  (2, '978-0002', 1, '2024-03-02', '2024-04-20', 2.5),
  (3, '978-0003', 2, '2024-06-11', NULL, 7.0),
  (4, '978-0001', 3, '2025-02-14', '2025-03-01', 0),
  (5, '978-0005', 3, '2025-05-03', '2025-05-28', 1.0),
  (6, '978-0006', 1, '2025-05-21', NULL, 0),
  (7, '978-0002', 4, '2025-06-02', NULL, 0),
  (8, '978-0004', 1, '2023-12-01', '2023-12-20', 0.5);
